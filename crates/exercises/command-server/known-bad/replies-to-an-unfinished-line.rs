//! A known-bad command-server, kept to prove that `cargo exercise check command-server`
//! catches its mistake: when the client closes, it answers the bytes after the last `\n` as if they were a line.
//!
//! mistake: treats the bytes after the last `\n` as a line when the client closes
//! caught by: client-closes
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         if count == 0 {
//!             return Ok(Received::Closed);
//!         }
//! with:
//!         if count == 0 {
//!             // The mistake: the bytes after the last `\n` are answered as a line of their own.
//!             if !pending.is_empty() {
//!                 return Ok(Received::Line(std::mem::take(pending)));
//!             }
//!             return Ok(Received::Closed);
//!         }
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
