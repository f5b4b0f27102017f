//! A known-bad command-server, kept to prove that `cargo exercise check command-server`
//! catches its mistake: it takes whatever one read returns for one line, without looking for the `\n`.
//!
//! mistake: takes whatever one read returns as a line, without looking for the `\n`
//! caught by: bytewise
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         pending.extend_from_slice(&buffer[..count]);
//! with:
//!         pending.extend_from_slice(&buffer[..count]);
//!         // The mistake: what one read returns is taken as a line, `\n` or not.
//!         if !pending.contains(&b'\n') {
//!             return Ok(Received::Line(std::mem::take(pending)));
//!         }
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
