//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it takes commands in any case (`get name`), where a command is exactly as written.
//!
//! mistake: takes commands in any case, where `get` is unknown
//! caught by: unknown-commands
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     match command {
//! with:
//!     // The mistake: `get` is not `GET`.
//!     match command.to_ascii_uppercase().as_str() {
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
