//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it refuses a file of exactly 10 MiB (`>=` where `>` is meant), where only a size
//! over 10 MiB is refused.
//!
//! mistake: refuses a file of exactly 10 MiB
//! caught by: limits
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     if size > MAX_SIZE {
//! with:
//!     // The mistake: 10 MiB itself is allowed.
//!     if size >= MAX_SIZE {
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
