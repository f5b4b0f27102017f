//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: it counts the `\n` in the limit, so a line of exactly 1000 bytes is refused, where
//! 1000 bytes without the `\n` are allowed.
//!
//! mistake: refuses a line of exactly 1000 bytes
//! caught by: line-limit
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let line = match read_until_delimiter(lines, b"\n", MAX_LINE) {
//! with:
//!     // The mistake: the limit is 1000 bytes without the `\n`.
//!     let line = match read_until_delimiter(lines, b"\n", MAX_LINE - 1) {
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
