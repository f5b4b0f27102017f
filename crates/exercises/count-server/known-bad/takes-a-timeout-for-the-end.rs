//! A known-bad count-server, kept to prove that `cargo exercise check count-server` catches
//! its mistake: when a read times out (`--idle-timeout`), it takes that for the end of the
//! message and replies the count, where only the client's half-close ends the message.
//!
//! mistake: takes a read that timed out for the end of the message, and replies
//! caught by: silent
//!
//! It is the reference solution, `count-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let received = client
//!             .read(&mut buffer)
//!             .with_context(|| format!("could not receive after {count} bytes"))?;
//! with:
//!         // The mistake: a client that went quiet has not finished; only a read of 0 bytes
//!         // (its half-close) ends the message.
//!         let received = match client.read(&mut buffer) {
//!             Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => 0,
//!             other => other.with_context(|| format!("could not receive after {count} bytes"))?,
//!         };
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
