//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: keeps an HTTP/1.0 connection open after its answer
//! caught by: http-1-0
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         "HTTP/1.0" => true,
//! with:
//!         // The mistake: HTTP/1.0 is kept open like HTTP/1.1.
//!         "HTTP/1.0" => false,
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
