//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: its `INCR` takes everything after the command for the key, so `INCR a b` replies
//! `1`, where `INCR` takes one key, without spaces.
//!
//! mistake: counts `INCR a b` as the key `a b`
//! caught by: unknown-commands
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         "INCR" if is_key(argument) => increment(store, argument),
//! with:
//!         // The mistake: a key has no spaces; `INCR a b` is not an INCR of one key.
//!         "INCR" if !argument.is_empty() => increment(store, argument),
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
