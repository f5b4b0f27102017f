//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it takes `SET note` (no space after the key) as a SET of an empty value, where that
//! is an unknown command.
//!
//! mistake: stores `SET note` as an empty value
//! caught by: unknown-commands
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         "SET" => match argument.split_once(' ') {
//! with:
//!         // The mistake: `SET note` has no space after its key, so no value: it is not a SET.
//!         "SET" => match argument.split_once(' ').or(Some((argument, ""))) {
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
