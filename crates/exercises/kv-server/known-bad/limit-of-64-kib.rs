//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it refuses requests over 64 KiB (65536 bytes), where 70000 bytes are fine.
//!
//! mistake: refuses requests over 65536 bytes, where 70000 are fine
//! caught by: largest-request
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! const MAX_REQUEST: usize = 70_000;
//! with:
//! // The mistake: 64 KiB is not the protocol's limit; 70000 bytes are.
//! const MAX_REQUEST: usize = 64 * 1024;
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
