//! A known-bad command-server, kept to prove that `cargo exercise check command-server` catches
//! its mistake: it ends the command at any whitespace (a tab too), where the command is the
//! line up to its first space.
//!
//! mistake: ends the command at any whitespace, where it ends at the first space
//! caught by: unknown-commands
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let (command, text) = line.split_once(' ').unwrap_or((line, ""));
//! with:
//!     // The mistake: a tab does not end the command; only a space does.
//!     let (command, text) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
