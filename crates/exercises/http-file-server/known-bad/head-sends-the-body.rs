//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: sends the body after the head of a HEAD answer
//! caught by: head
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         send(&mut outgoing, &response, request.method == "HEAD", close)?;
//! with:
//!         // The mistake: HEAD gets the body too.
//!         send(&mut outgoing, &response, false, close)?;
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
