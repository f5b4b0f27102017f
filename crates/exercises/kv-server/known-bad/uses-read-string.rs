//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it reads with `read_string`, whose error for a body that is not UTF-8 ends the connection without a reply.
//!
//! mistake: reads with read_string, whose error for a body that is not UTF-8 ends the connection
//! caught by: not-utf8
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! use netlesson::framing::{FrameError, read_frame, send_string};
//! with:
//! use netlesson::framing::{FrameError, read_string, send_string};
//! replace:
//!         let request = match read_frame(client, MAX_REQUEST) {
//! with:
//!         // The mistake: read_string fails on a body that is not UTF-8, and that ends the
//!         // connection, where the protocol wants `ERR not UTF-8` and the next request.
//!         let request = match read_string(client, MAX_REQUEST).map(|text| text.map(String::into_bytes)) {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
