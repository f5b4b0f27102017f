//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: does not decode %XX in the path: `a%20file.txt` is not `a file.txt`
//! caught by: encoded-names
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let name = percent_decode(piece)?;
//! with:
//!         // The mistake: names are used as sent, %XX and all.
//!         let name = piece.to_string();
//! ```

// The change leaves the compiler something to warn about: `percent_decode` is no longer called.
#![allow(dead_code)]

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
