//! A known-bad kv-server-async, kept to prove that `cargo exercise check kv-server-async`
//! catches its mistake: a client that leaves keeps its place, so
//! after --max-clients clients the server is full for ever.
//!
//! mistake: never gives a client's place back
//! caught by: places-given-back
//!
//! It is the reference solution, `kv-server-async/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             leave(&leaving);
//! with:
//!             // The mistake: the place is never given back.
//!             let _ = &leaving;
//! replace:
//! fn leave(connected: &Mutex<usize>) {
//! with:
//! #[allow(dead_code)]
//! fn leave(connected: &Mutex<usize>) {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
