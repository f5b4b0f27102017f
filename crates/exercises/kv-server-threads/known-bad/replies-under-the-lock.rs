//! A known-bad kv-server-threads, kept to prove that `cargo exercise check kv-server-threads`
//! catches its mistake: it keeps the store locked while it sends a reply, so a client that
//! stops reading makes every other client wait for the lock.
//!
//! mistake: keeps the store locked while it sends the reply
//! caught by: slow-reader-delays-nobody
//!
//! It is the reference solution, `kv-server-threads/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let reply = match std::str::from_utf8(&request) {
//!             Ok(text) => reply_locked(text, store),
//!             Err(_) => "ERR not UTF-8".to_string(),
//!         };
//!         send_string(client, &reply).context("could not send the reply")?;
//! with:
//!         // The mistake: the store stays locked while the reply is sent, and the send waits for
//!         // a client that does not read, with the lock held.
//!         let mut locked = lock(store);
//!         let reply = match std::str::from_utf8(&request) {
//!             Ok(text) => reply_to(text, &mut locked),
//!             Err(_) => "ERR not UTF-8".to_string(),
//!         };
//!         send_string(client, &reply).context("could not send the reply")?;
//!         drop(locked);
//! ```
// The mistake leaves part of the solution unused.
#![allow(dead_code)]
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
