//! The steps of each exercise's check, one module per exercise, and the steps every server
//! exercise shares ([`common`]).

pub mod command_server;
pub mod common;
pub mod greet_server;
pub mod kv_server;

// rfc868-time-server (lesson 2) and count-server (lesson 3)
pub mod count_server;
pub mod rfc868_time_server;

// file-server (lesson 6) and udp-pinger (lesson 7)
pub mod file_server;
pub mod udp_pinger;

// kv-server-threads (lesson 8)
pub mod kv_server_threads;

// budget-chat (lesson 9)
pub mod budget_chat;
