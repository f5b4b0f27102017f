//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: its `SET` lets in an empty key (`SET  value`, two spaces), where a key is one or
//! more characters.
//!
//! mistake: stores under an empty key (`SET  value`)
//! caught by: unknown-commands
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             Some((key, value)) if is_key(key) => {
//! with:
//!             // The mistake: a key has one character at least.
//!             Some((key, value)) if !key.contains(' ') => {
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
