//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches its
//! mistake: it prints the round trips with two decimals, where the protocol says exactly three.
//!
//! mistake: prints the round trips with two decimals
//! caught by: all-answered
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     format!("{:.3}", duration.as_secs_f64() * 1000.0)
//! with:
//!     // The mistake: three decimals, exactly.
//!     format!("{:.2}", duration.as_secs_f64() * 1000.0)
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
