//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches its
//! mistake: it ignores a ping it could not send and reports it lost, where a ping that cannot
//! be sent is an error: `error: ...` and exit status 1.
//!
//! mistake: takes a ping it could not send for a lost one
//! caught by: cannot-send
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     socket
//!         .send_to(format!("Ping {number}").as_bytes(), options.server)
//!         .context("could not send a ping")?;
//! with:
//!     // The mistake: a ping that could not be sent is not lost; the pinger cannot do its job.
//!     let _ = socket.send_to(format!("Ping {number}").as_bytes(), options.server);
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
