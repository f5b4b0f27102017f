//! A known-bad kv-server-threads, kept to prove that `cargo exercise check kv-server-threads`
//! catches its mistake: INCR reads the number under one lock and writes it
//! under another, so two clients' INCRs at the same time can store the same number.
//!
//! mistake: locks the store for each get and insert, so INCR reads and writes under two locks, and two INCRs at once can store the same number
//! caught by: fifty-clients-count
//!
//! It is the reference solution, `kv-server-threads/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     reply_to(request, &mut lock(store))
//! }
//! with:
//!     // The mistake: INCR reads the number under one lock and writes it under another; in
//!     // between, another client's INCR can read the same number, and one count is lost.
//!     if let Some(key) = request.strip_prefix("INCR ") {
//!         let mut copy = Store::new();
//!         if let Some(value) = lock(store).get(key) {
//!             copy.insert(key.to_string(), value.clone());
//!         }
//!         let reply = increment(&mut copy, key);
//!         if let Some(next) = copy.remove(key) {
//!             lock(store).insert(key.to_string(), next);
//!         }
//!         return reply;
//!     }
//!     reply_to(request, &mut lock(store))
//! }
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
