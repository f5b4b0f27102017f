//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it makes a new store for each client, so what a client stored is gone when it leaves.
//!
//! mistake: makes a new store for each client, so a value is gone when its client leaves
//! caught by: store-outlives-clients
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let mut store = Store::new();
//!     exercises::serve(PORT, move |client, _address| {
//!         answer_requests(client, &mut store)
//! with:
//!     // The mistake: a new store for each client, so a value is gone when its client leaves.
//!     exercises::serve(PORT, |client, _address| {
//!         answer_requests(client, &mut Store::new())
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
