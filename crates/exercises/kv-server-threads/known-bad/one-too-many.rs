//! A known-bad kv-server-threads, kept to prove that `cargo exercise check kv-server-threads`
//! catches its mistake: it lets in one client more than --max-clients (`>`
//! where `>=` is needed).
//!
//! mistake: compares with `>` where `>=` is needed, and lets in one client too many
//! caught by: past-the-cap
//!
//! It is the reference solution, `kv-server-threads/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     if *connected >= max_clients {
//! with:
//!     // The mistake: `>` where `>=` is needed.
//!     if *connected > max_clients {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
