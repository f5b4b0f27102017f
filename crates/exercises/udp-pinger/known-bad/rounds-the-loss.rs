//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches its
//! mistake: it rounds the loss to the nearest whole number (2 of 3 lost: 67%), where it is
//! rounded down (66%).
//!
//! mistake: rounds the loss to the nearest whole number, where it is rounded down
//! caught by: late-reply-and-copy
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let loss = (sent - received) * 100 / sent;
//! with:
//!     // The mistake: rounded to the nearest, not down.
//!     let loss = (f64::from(sent - received) * 100.0 / f64::from(sent)).round() as u32;
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
