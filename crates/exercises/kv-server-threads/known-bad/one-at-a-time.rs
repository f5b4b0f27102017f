//! A known-bad kv-server-threads, kept to prove that `cargo exercise check kv-server-threads`
//! catches its mistake: it serves each client in the accept loop itself,
//! with no thread, so a silent client holds the server until --idle-timeout drops it.
//!
//! mistake: serves each client in the accept loop itself, without a thread
//! caught by: quiet-clients-delay-nobody
//!
//! It is the reference solution, `kv-server-threads/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         start_thread(client, peer, &store, &connected, settings);
//! with:
//!         // The mistake: the client is served right here, with no thread of its own.
//!         let result = serve_client(client, &store, settings);
//!         leave(&connected);
//!         report_client(peer, result, settings.idle_timeout);
//! replace:
//! /// Serves `client` on a new thread of its own, and returns at once.
//! fn start_thread(
//! with:
//! /// Serves `client` on a new thread of its own, and returns at once.
//! #[allow(dead_code)]
//! fn start_thread(
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
