//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches its
//! mistake: each datagram it ignores starts its wait again, so a server that sends junk more
//! often than --timeout keeps it waiting for ever, where the wait ends at the same deadline.
//!
//! mistake: starts the wait again at each datagram it ignores
//! caught by: never-answers
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let deadline = sent_at + options.timeout;
//! with:
//!     let mut deadline = sent_at + options.timeout;
//! replace:
//!             Ok(_) => continue,
//! with:
//!             // The mistake: the deadline is the ping's, whatever arrives meanwhile.
//!             Ok(_) => deadline = Instant::now() + options.timeout,
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
