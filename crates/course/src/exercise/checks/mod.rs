//! The steps of each exercise's check, one module per exercise, and the steps every server
//! exercise shares ([`common`]).

pub mod common;
pub mod greet_server;
// file-server (lesson 6) and udp-pinger (lesson 7)
pub mod file_server;
pub mod udp_pinger;
