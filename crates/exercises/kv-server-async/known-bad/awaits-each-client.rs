//! A known-bad kv-server-async, kept to prove that `cargo exercise check kv-server-async`
//! catches its mistake: it awaits each client in the accept loop,
//! with no task, so a silent client holds the server until --idle-timeout drops it.
//!
//! mistake: serves each client in the accept loop itself, without a task
//! caught by: quiet-clients-delay-nobody
//!
//! It is the reference solution, `kv-server-async/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         tokio::spawn(async move {
//!             let result = serve_client(client, &store, settings).await;
//!             // Give the place back before saying so: whoever reads the line can count on it.
//!             leave(&leaving);
//!             report_client(peer, result, settings.idle_timeout);
//!         });
//! with:
//!         // The mistake: the client is served right here, with no task of its own.
//!         let result = serve_client(client, &store, settings).await;
//!         leave(&leaving);
//!         report_client(peer, result, settings.idle_timeout);
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
