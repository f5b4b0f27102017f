//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: closes the connection after every answer, without saying so
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
//!         // The mistake: every answer ends the connection, `Connection: close` or not.
//!         if close || !request.close {
//!             return Ok(());
//!         }
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
