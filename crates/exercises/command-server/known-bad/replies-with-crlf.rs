//! A known-bad command-server, kept to prove that `cargo exercise check command-server` catches
//! its mistake: it ends its replies with `\r\n`, as `nc -C` sends lines, where the protocol's
//! replies end with `\n` alone.
//!
//! mistake: ends its replies with \r\n, not \n alone
//! caught by: answers-the-commands
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         .write_all(format!("{text}\n").as_bytes())
//! with:
//!         // The mistake: replies end with `\n` alone.
//!         .write_all(format!("{text}\r\n").as_bytes())
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
