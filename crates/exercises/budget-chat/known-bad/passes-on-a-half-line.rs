//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches
//! its mistake: `BufRead::lines` returns a last line cut short by the close as if it were whole.
//! Everything else is the reference solution's.
//!
//! mistake: reads with `BufRead::lines`, which returns a last line cut short as if it were whole
//! caught by: mid-line
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below: `build.rs`
//! makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     while let Some(text) = read_line(lines)? {
//! with:
//!     // The mistake: `lines()` hands out a line cut short by the close as a whole one.
//!     for text in lines.lines() {
//!         let text = text?;
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
