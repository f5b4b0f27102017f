//! A known-bad command-server, kept to prove that `cargo exercise check command-server`
//! catches its mistake: it checks a line's length only once the `\n` has come, so it stores whatever a client sends before that.
//!
//! mistake: checks a line's length only once its `\n` has come, storing any amount before
//! caught by: endless-line
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         if pending.len() > MAX_LINE + 1 {
//!             return Ok(Received::TooLong);
//!         }
//! with:
//!         // The mistake: no check here, so a line without `\n` is stored whatever its size.
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
