//! A known-bad kv-server-threads, kept to prove that `cargo exercise check kv-server-threads`
//! catches its mistake: it times out only the wait for a client's first request; once a
//! client has sent one, it may stay connected and silent for ever, keeping its thread and
//! its place.
//!
//! mistake: applies --idle-timeout only while waiting for the first request
//! caught by: silent-after-a-request
//!
//! It is the reference solution, `kv-server-threads/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let reply = match std::str::from_utf8(&request) {
//! with:
//!         // The mistake: once a request has come, the wait for the next one has no limit.
//!         client.set_read_timeout(None).context("could not clear the read timeout")?;
//!         let reply = match std::str::from_utf8(&request) {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
