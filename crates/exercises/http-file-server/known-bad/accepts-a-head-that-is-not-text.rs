//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: takes a head that is not UTF-8, with its bad bytes replaced, instead of refusing it
//! caught by: bad-requests
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         match String::from_utf8(line) {
//!             Ok(text) => lines.push(text),
//!             Err(_) => return Ok(Incoming::Bad("a request that is not text")),
//!         }
//! with:
//!         // The mistake: bytes that are not UTF-8 become U+FFFD, and the request is served.
//!         lines.push(String::from_utf8_lossy(&line).into_owned());
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
