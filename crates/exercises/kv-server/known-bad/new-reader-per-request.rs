//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it makes a new `BufReader` for each request, which throws away the requests it has
//! read ahead.
//!
//! mistake: makes a new BufReader for each request, losing what it read ahead
//! caught by: several-in-one-write
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let request = match read_frame(client, MAX_REQUEST) {
//! with:
//!         // The mistake: the reader reads ahead, up to 8 KiB; a new one for each request
//!         // throws away the next requests that it had read already.
//!         let mut reader = std::io::BufReader::new(&mut *client);
//!         let request = match read_frame(&mut reader, MAX_REQUEST) {
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
