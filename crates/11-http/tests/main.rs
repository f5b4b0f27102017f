//! Black-box tests of lesson 11's programs over real sockets on 127.0.0.1: every status
//! http-server sends, byte for byte; keep-alive and pipelining; the limits (a head too large, a
//! head too slow, a client too many); requests that try to climb out of `--root`, in every
//! spelling; http-get against our server and against fake servers that misbehave; and clients
//! nobody here wrote: curl, Python's `http.client` and `urllib`, and headless Chromium.
//!
//! One test binary with a module per file of this folder. Every server runs on `--port 0` and
//! is used only after its `listening on` line; every read and wait has a time limit (see
//! `testkit::procs`). The tests that need a program the machine may lack (curl, Chromium,
//! python3) say that they skip, unless `COURSE_REQUIRE_TOOLS=1` (or
//! `COURSE_REQUIRE_PYTHON=1`) makes them fail instead, as in CI.

mod client;
mod common;
mod connections;
mod limits;
mod outside;
mod programs;
mod statuses;
mod traversal;
