//! A known-bad kv-server-threads, kept to prove that `cargo exercise check kv-server-threads`
//! catches its mistake: a client that leaves keeps its place, so once
//! --max-clients clients have come and gone, everyone gets ERR server full.
//!
//! mistake: counts clients in, never out
//! caught by: places-given-back
//!
//! It is the reference solution, `kv-server-threads/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         // Give the place back before saying so: whoever reads the line can count on it.
//!         leave(&leaving);
//! with:
//!         // The mistake: the place is never given back.
//!         let _ = &leaving;
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
