//! Black-box tests of lesson 10's servers over real sockets on 127.0.0.1: `poll-server` and
//! `async-server` (lesson 8's protocol, byte for byte; 200 clients at once; silent clients and
//! tricklers that delay nobody; the cap; the idle timeout; resets and garbage; 1000 and 10,000
//! connections on one thread), `async-chat-server` (lesson 9's Budget Chat, line for line),
//! and the benchmarks' tables.
//!
//! Every server runs on `--port 0` and is used only after its `listening on` line; every wait
//! has a time limit (see `testkit::procs`).
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.

mod bench;
mod chat;
mod command;
