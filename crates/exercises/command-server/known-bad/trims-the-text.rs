//! A known-bad command-server, kept to prove that `cargo exercise check command-server` catches
//! its mistake: it trims the text, where the text is everything after the first space, spaces
//! included.
//!
//! mistake: trims the spaces off the text
//! caught by: empty-text
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let (command, text) = line.split_once(' ').unwrap_or((line, ""));
//! with:
//!     let (command, text) = line.split_once(' ').unwrap_or((line, ""));
//!     // The mistake: the text's spaces, at its ends too, are part of it.
//!     let text = text.trim();
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
