//! A known-bad command-server, kept to prove that `cargo exercise check command-server` catches
//! its mistake: it refuses a line of exactly 1024 bytes (`>=` where `>` is meant).
//!
//! mistake: refuses a line of exactly 1024 bytes
//! caught by: line-limit
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             return Ok(match line.len() > MAX_LINE {
//! with:
//!             // The mistake: 1024 bytes are allowed; only more are too long.
//!             return Ok(match line.len() >= MAX_LINE {
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
