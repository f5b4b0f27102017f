//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: ignores `Connection: close` and keeps the connection open
//! caught by: connection-close
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             close = true;
//! with:
//!             // The mistake: `Connection: close` is read, and forgotten.
//! ```

// The change leaves the compiler something to warn about: `close` is no longer changed.
#![allow(unused_mut)]

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
