//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: closes the connection after a 404 or a 405, without saying so
//! caught by: keep-alive
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         if close {
//!             return Ok(());
//!         }
//! with:
//!         // The mistake: the connection ends after any answer but a 200, without a word.
//!         if close || !response.status.starts_with("200") {
//!             return Ok(());
//!         }
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
