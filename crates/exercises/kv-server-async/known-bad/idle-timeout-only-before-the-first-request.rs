//! A known-bad kv-server-async, kept to prove that `cargo exercise check kv-server-async`
//! catches its mistake: it times out only the wait for a client's first request; once a
//! client has sent one, it may stay connected and silent for ever.
//!
//! mistake: applies --idle-timeout only while waiting for the first request
//! caught by: silent-after-a-request
//!
//! It is the reference solution, `kv-server-async/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     loop {
//!         let request =
//!             match timeout(settings.idle_timeout, read_frame(&mut client, MAX_REQUEST)).await {
//! with:
//!     // The mistake: the time limit applies to the first request only.
//!     let mut limit = settings.idle_timeout;
//!     loop {
//!         let request = match timeout(limit, read_frame(&mut client, MAX_REQUEST)).await {
//! replace:
//!         let reply = match std::str::from_utf8(&request) {
//! with:
//!         limit = std::time::Duration::MAX;
//!         let reply = match std::str::from_utf8(&request) {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
