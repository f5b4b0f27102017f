//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches its
//! mistake: it returns an error when a ping was lost, so it exits with 1, where lost pings are
//! results and the exit status is 0.
//!
//! mistake: exits with 1 when a ping was lost
//! caught by: lossy-network
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     print_summary(options.count, &round_trips);
//!     Ok(())
//! with:
//!     print_summary(options.count, &round_trips);
//!     // The mistake: a lost ping is a result, not an error.
//!     if round_trips.len() < options.count as usize {
//!         anyhow::bail!("{} pings were lost", options.count as usize - round_trips.len());
//!     }
//!     Ok(())
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
