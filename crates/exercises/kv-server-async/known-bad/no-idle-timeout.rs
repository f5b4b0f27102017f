//! A known-bad kv-server-async, kept to prove that `cargo exercise check kv-server-async`
//! catches its mistake: it waits for a request as long as the client
//! likes: a silent client is never dropped.
//!
//! mistake: never times out a silent client
//! caught by: silent
//!
//! It is the reference solution, `kv-server-async/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             match timeout(settings.idle_timeout, read_frame(&mut client, MAX_REQUEST)).await {
//! with:
//!             // The mistake: no time limit on waiting for a request.
//!             match Ok::<_, tokio::time::error::Elapsed>(read_frame(&mut client, MAX_REQUEST).await) {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
