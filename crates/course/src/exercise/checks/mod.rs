//! The steps of each exercise's check, one module per exercise, and the steps every server
//! exercise shares ([`common`]).

pub mod command_server;
pub mod common;
pub mod greet_server;
pub mod kv_server;
