//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches its
//! mistake: its pings end with a newline (`Ping 1\n`), where a ping is exactly the text `Ping
//! N`.
//!
//! mistake: sends `Ping N\n`, with a newline
//! caught by: all-answered
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let expected = format!("PING {number}");
//! with:
//!     // The mistake: a ping is `Ping N` and nothing else; UDP needs no line ending.
//!     let expected = format!("PING {number}\n");
//! replace:
//!         .send_to(format!("Ping {number}").as_bytes(), options.server)
//! with:
//!         .send_to(format!("Ping {number}\n").as_bytes(), options.server)
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
