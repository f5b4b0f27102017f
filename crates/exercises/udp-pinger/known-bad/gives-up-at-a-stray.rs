//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches its
//! mistake: it gives up on a ping as soon as a datagram that is not its reply comes, where it
//! ignores that datagram and goes on waiting.
//!
//! mistake: gives up on a ping at the first datagram that is not its reply
//! caught by: not-text
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             Ok(_) => continue,
//! with:
//!             // The mistake: what is not the reply is ignored, and the wait goes on.
//!             Ok(_) => return Ok(None),
//! ```
// The mistake makes the loop of `ping` go round no more.
#![allow(clippy::never_loop)]
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
