//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: splits the request line at any run of whitespace, so `GET  / HTTP/1.1` passes
//! caught by: bad-requests
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let parts: Vec<&str> = lines[0].split(' ').collect();
//! with:
//!     // The mistake: parts may be more than one space apart.
//!     let parts: Vec<&str> = lines[0].split_whitespace().collect();
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
