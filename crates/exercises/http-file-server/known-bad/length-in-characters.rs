//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: counts the body in characters, not bytes: `café` is 4 characters but 5 bytes
//! caught by: length-in-bytes
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         response.body.len()
//!     );
//! with:
//!         // The mistake: characters, not bytes.
//!         String::from_utf8_lossy(&response.body).chars().count()
//!     );
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
