//! A known-bad kv-server-threads, kept to prove that `cargo exercise check kv-server-threads`
//! catches its mistake: it gives a client's place back only when the client
//! leaves cleanly: one that resets, goes silent or sends a broken frame keeps its place.
//!
//! mistake: gives the place back only when serving the client ended without an error
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
//!         // The mistake: only a client that leaves cleanly gives its place back.
//!         if result.is_ok() {
//!             leave(&leaving);
//!         }
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
