//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it uses expect on from_utf8 for the name, so a name that is not UTF-8 crashes the
//! server.
//!
//! mistake: uses expect on from_utf8 for the name, so bytes that are not UTF-8 crash it
//! caught by: name-not-utf8
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let Ok(name) = std::str::from_utf8(name) else {
//!         bail!("the name is not UTF-8 text");
//!     };
//! with:
//!     // The mistake: a name that is not UTF-8 makes this panic, and the server stops.
//!     let name = std::str::from_utf8(name).expect("a name is text");
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
