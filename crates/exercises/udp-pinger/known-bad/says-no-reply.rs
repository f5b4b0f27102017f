//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches its
//! mistake: it prints `Ping N: no reply` for a lost ping, where the line is `Ping N: timed
//! out`.
//!
//! mistake: prints `Ping N: no reply`, not `Ping N: timed out`
//! caught by: lossy-network
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             None => println!("Ping {number}: timed out"),
//! with:
//!             // The mistake: the line is `Ping N: timed out`.
//!             None => println!("Ping {number}: no reply"),
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
