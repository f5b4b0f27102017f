//! A known-bad command-server, kept to prove that `cargo exercise check command-server` catches
//! its mistake: it wants a space after the command, so `UPPER` alone gets `ERR unknown command`
//! instead of an empty line.
//!
//! mistake: refuses `UPPER` alone, which gets an empty line
//! caught by: empty-text
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let (command, text) = line.split_once(' ').unwrap_or((line, ""));
//! with:
//!     // The mistake: `UPPER` with no space after it is UPPER with no text, not an unknown command.
//!     let Some((command, text)) = line.split_once(' ') else {
//!         return Reply::Line("ERR unknown command".to_string());
//!     };
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
