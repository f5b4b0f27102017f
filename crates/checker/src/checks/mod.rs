//! The steps of each exercise's check, one module per exercise. The steps every server
//! exercise shares are in `contract::steps`.

pub mod command_server;
pub mod greet_server;
pub mod kv_server;

pub mod count_server;
pub mod rfc868_time_server;

pub mod file_server;
pub mod udp_pinger;

pub mod kv_server_threads;

pub mod budget_chat;
