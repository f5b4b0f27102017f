//! A known-bad command-server, kept to prove that `cargo exercise check command-server` catches
//! its mistake: it quits on any line that starts with `QUIT` (`QUIT now`), where only the exact
//! line `QUIT` quits.
//!
//! mistake: quits on any line that starts with QUIT
//! caught by: unknown-commands
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     if line == "QUIT" {
//! with:
//!     // The mistake: only the exact line `QUIT` quits; `QUIT now` is an unknown command.
//!     if line.starts_with("QUIT") {
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
