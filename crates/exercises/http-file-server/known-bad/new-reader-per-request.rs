//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: makes a new reader for each request, losing what the old one had read ahead (the next request, sent in the same write)
//! caught by: pipelined
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     // One reader for the whole connection: it may hold the start of the next request already.
//!     let mut incoming = BufReader::new(client);
//!     let mut outgoing = client;
//!     loop {
//! with:
//!     let mut outgoing = client;
//!     loop {
//!         // The mistake: a new reader for each request; what the old one read ahead is lost.
//!         let mut incoming = BufReader::new(client);
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
