//! A known-bad command-server, kept to prove that `cargo exercise check command-server` catches
//! its mistake: it leaves a `\r` before the `\n` in the line, so `UPPER hi\r\n` gets `HI\r`.
//!
//! mistake: keeps the \r of a line that ends in \r\n
//! caught by: carriage-return
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             line.pop();
//!             if line.last() == Some(&b'\r') {
//!                 line.pop();
//!             }
//! with:
//!             // The mistake: a `\r` just before the `\n` belongs to the line ending, not the line.
//!             line.pop();
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
