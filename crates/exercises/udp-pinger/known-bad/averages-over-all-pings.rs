//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches its
//! mistake: it divides the sum of the round trips by the pings sent, lost ones included, where
//! AVG is the mean of the replies' round trips.
//!
//! mistake: divides by the pings sent, where the mean is over the replies
//! caught by: lossy-network
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let mean = round_trips.iter().sum::<Duration>() / received;
//! with:
//!     // The mistake: a lost ping has no round trip; the mean is over the replies.
//!     let mean = round_trips.iter().sum::<Duration>() / sent;
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
