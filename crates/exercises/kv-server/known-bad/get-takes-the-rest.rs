//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: its `GET` takes everything after the command for the key, so `GET a b` looks up the
//! key `a b`, where `GET` takes one key, without spaces.
//!
//! mistake: looks up `GET a b` as the key `a b`
//! caught by: unknown-commands
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         "GET" if is_key(argument) => match store.get(argument) {
//! with:
//!         // The mistake: a key has no spaces; `GET a b` is not a GET of one key.
//!         "GET" if !argument.is_empty() => match store.get(argument) {
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
