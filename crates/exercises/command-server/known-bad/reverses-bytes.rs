//! A known-bad command-server, kept to prove that `cargo exercise check command-server` catches
//! its mistake: it reverses the bytes of the text, not its characters, so `Zoë` comes back
//! broken.
//!
//! mistake: reverses the bytes of the text, not its characters
//! caught by: answers-the-commands
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         "REVERSE" => Reply::Line(text.chars().rev().collect()),
//! with:
//!         // The mistake: the bytes of `ë` reversed are not UTF-8 any more.
//!         "REVERSE" => {
//!             let reversed: Vec<u8> = text.bytes().rev().collect();
//!             Reply::Line(String::from_utf8_lossy(&reversed).into_owned())
//!         }
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
