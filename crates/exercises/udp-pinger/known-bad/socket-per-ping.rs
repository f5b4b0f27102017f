//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches its
//! mistake: it makes a new socket for each ping, so a late reply goes to a socket nobody reads,
//! where every ping goes from one socket.
//!
//! mistake: makes a new UDP socket for each ping
//! caught by: all-answered
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let socket = create_socket(options.server)?;
//!     let mut round_trips = Vec::new();
//!     for number in 1..=options.count {
//! with:
//!     let mut round_trips = Vec::new();
//!     for number in 1..=options.count {
//!         // The mistake: a socket for each ping; every ping goes from one socket.
//!         let socket = create_socket(options.server)?;
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
