//! A known-bad kv-server-threads, kept to prove that `cargo exercise check kv-server-threads`
//! catches its mistake: it makes a new store for each client it
//! accepts, so clients share nothing, and a value is gone when its client leaves.
//!
//! mistake: makes a new store for each client it accepts
//! caught by: store-outlives-clients
//!
//! It is the reference solution, `kv-server-threads/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let store = Arc::clone(store);
//! with:
//!     // The mistake: a copy of the store for each client, not the store itself.
//!     let store = Arc::new(Mutex::new(lock(store).clone()));
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
