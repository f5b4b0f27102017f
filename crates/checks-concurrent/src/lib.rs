//! The steps of the checks of lessons 8-11's exercises, whose programs serve many clients at
//! once (threads, a chat room, tasks, HTTP): one module per exercise, each with its
//! `checks::Check`. The types, and lessons 1-7's checks, are in the `checks` crate; the
//! checker's `catalog::CHECKS` lists them all in lesson order.

pub mod budget_chat;
pub mod http_file_server;
pub mod kv_server_async;
pub mod kv_server_threads;
