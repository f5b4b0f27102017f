//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: refuses empty lines before the request line (400) instead of skipping them
//! caught by: empty-lines-first
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         if line.is_empty() && lines.is_empty() {
//!             continue; // an empty line before a request line is skipped
//!         }
//! with:
//!         // The mistake: an empty line before the request line is refused, not skipped.
//!         if line.is_empty() && lines.is_empty() {
//!             return Ok(Incoming::Bad("an empty line where the request line should be"));
//!         }
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
