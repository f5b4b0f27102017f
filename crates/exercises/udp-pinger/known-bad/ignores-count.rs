//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches its
//! mistake: it always sends 10 pings, whatever --count says.
//!
//! mistake: always sends 10 pings, whatever --count says
//! caught by: late-reply-and-copy
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     for number in 1..=options.count {
//! with:
//!     // The mistake: --count says how many.
//!     for number in 1..=10 {
//! replace:
//!     print_summary(options.count, &round_trips);
//! with:
//!     print_summary(10, &round_trips);
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
