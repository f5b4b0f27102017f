//! A known-bad kv-server-threads, kept to prove that `cargo exercise check kv-server-threads`
//! catches its mistake: it lets every client in, whatever --max-clients
//! says: nobody is ever told ERR server full.
//!
//! mistake: lets every client in, whatever --max-clients says
//! caught by: past-the-cap
//!
//! It is the reference solution, `kv-server-threads/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         if !admit(&connected, settings.max_clients) {
//! with:
//!         // The mistake: every client is let in, however many are connected already.
//!         if !admit(&connected, usize::MAX) {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
