//! A known-bad rfc868-time-server, kept to prove that `cargo exercise check rfc868-time-server`
//! catches its mistake: it sends the seconds as a u64, 8 bytes, where RFC 868 sends 4.
//!
//! mistake: sends the seconds as a u64 (8 bytes), not a u32 (4 bytes)
//! caught by: sends-the-time
//!
//! It is the reference solution, `rfc868-time-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let time = seconds_since_1900()?.to_be_bytes();
//! with:
//!     // The mistake: a u64 has 8 bytes; RFC 868's number is a u32, 4 bytes.
//!     let time = u64::from(seconds_since_1900()?).to_be_bytes();
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
