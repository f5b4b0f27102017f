//! A known-bad kv-server-threads, kept to prove that `cargo exercise check kv-server-threads`
//! catches its mistake: the accept loop only looks at the count, and each client's thread
//! counts the client in once it has sent something: clients that connect at once and wait are
//! all let in, past the cap.
//!
//! mistake: counts a client in its own thread, once it speaks, not when it is accepted
//! caught by: cap-at-accept
//!
//! It is the reference solution, `kv-server-threads/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         if !admit(&connected, settings.max_clients) {
//! with:
//!         // The mistake (1 of 2): the accept loop only looks at the count; each client's thread
//!         // counts the client in later, and the clients accepted meanwhile are let in.
//!         if *lock(&connected) >= settings.max_clients {
//! replace:
//!         let result = serve_client(client, &store, settings);
//!         // Give the place back before saying so: whoever reads the line can count on it.
//! with:
//!         // The mistake (2 of 2): a client counts once it is served, when its first request
//!         // has come (`peek` waits for it), not when it is accepted.
//!         let mut first = [0u8; 1];
//!         let _ = client.peek(&mut first);
//!         *lock(&leaving) += 1;
//!         let result = serve_client(client, &store, settings);
//!         // Give the place back before saying so: whoever reads the line can count on it.
//! ```
// The mistake leaves part of the solution unused.
#![allow(dead_code)]
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
