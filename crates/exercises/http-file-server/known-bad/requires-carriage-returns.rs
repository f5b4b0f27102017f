//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: refuses lines that end with a bare \n, as nc sends them
//! caught by: bare-newlines
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         if line.last() == Some(&b'\r') {
//!             line.pop();
//!         }
//! with:
//!         // The mistake: every line must end with \r\n.
//!         if line.pop() != Some(b'\r') {
//!             return Ok(Incoming::Bad("a line without \\r"));
//!         }
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
