//! A known-bad command-server, kept to prove that `cargo exercise check command-server`
//! catches its mistake: it upper-cases with `to_ascii_uppercase`, which only knows the 26 letters of ASCII.
//!
//! mistake: upper-cases with to_ascii_uppercase, which leaves `ß` as it is
//! caught by: answers-the-commands
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         "UPPER" => Reply::Line(text.to_uppercase()),
//! with:
//!         // The mistake: ASCII capitals only, so `ß` stays as it is.
//!         "UPPER" => Reply::Line(text.to_ascii_uppercase()),
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
