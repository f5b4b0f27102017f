//! A known-bad command-server, kept to prove that `cargo exercise check command-server` catches
//! its mistake: it measures a line before it takes off its `\r`, so 1024 bytes and `\r\n` are
//! refused.
//!
//! mistake: counts the \r of \r\n in the limit
//! caught by: line-limit
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
//!             return Ok(match line.len() > MAX_LINE {
//! with:
//!             line.pop();
//!             // The mistake: the limit counts the line without its `\r\n`.
//!             let too_long = line.len() > MAX_LINE;
//!             if line.last() == Some(&b'\r') {
//!                 line.pop();
//!             }
//!             return Ok(match too_long {
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
