//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: its `INCR` takes a value that is not a number for 0, so `abc` becomes `1`, where it
//! gets `ERR not an integer` and stays as it was.
//!
//! mistake: counts a value that is not a number as 0
//! caught by: incr
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         Some(value) => value.parse::<i64>().ok(),
//! with:
//!         // The mistake: `abc` is not 0; it is not an integer.
//!         Some(value) => Some(value.parse::<i64>().unwrap_or(0)),
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
