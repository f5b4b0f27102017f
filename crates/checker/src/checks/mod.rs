//! The steps of each exercise's check, one module per exercise, each with its [`Check`]. The
//! steps every server exercise shares are in `contract::steps`.

use crate::catalog::Check;

pub mod budget_chat;
pub mod command_server;
pub mod count_server;
pub mod file_server;
pub mod greet_server;
pub mod kv_server;
pub mod kv_server_threads;
pub mod rfc868_time_server;
pub mod udp_pinger;

/// Every exercise's check, in lesson order.
pub const ALL: &[Check] = &[
    greet_server::CHECK,
    rfc868_time_server::CHECK,
    count_server::CHECK,
    command_server::CHECK,
    kv_server::CHECK,
    file_server::CHECK,
    udp_pinger::CHECK,
    kv_server_threads::CHECK,
    budget_chat::CHECK,
];
