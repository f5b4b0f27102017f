//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches
//! its mistake: it waits a fixed second for each reply, whatever --timeout says.
//!
//! mistake: waits a fixed second for each reply instead of --timeout
//! caught by: lossy-network
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below: `build.rs`
//! makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     // socket(SOCK_DGRAM) and bind to port 0 in one call: the operating system picks the port
//!     // that the replies come back to. The address must be of the server's kind.
//! with:
//! replace:
//!     let deadline = sent_at + options.timeout;
//! with:
//!     // The mistake: the one second of the Kurose and Ross exercise, not --timeout.
//!     let deadline = sent_at + Duration::from_secs(1);
//! replace:
//!             // Only `PING N` from the server is this ping's reply. A late reply to an earlier
//!             // ping, a copy, or someone else's datagram is not: wait on. Comparing bytes works
//!             // for any datagram, text or not.
//! with:
//! replace:
//!     // Whole numbers, rounded down, as the output format says.
//! with:
//! replace:
//!     // With no reply there is no minimum, and a mean would divide by zero: no line.
//! with:
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
