//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches
//! its mistake: it turns every datagram into a &str with expect, so
//! bytes that are not UTF-8 crash it.
//!
//! mistake: turns every datagram into a &str with expect, so bytes that are not UTF-8 crash it
//! caught by: not-text
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
//!     // One deadline for this ping: a stray datagram that we ignore must not give the reply
//!     // more time.
//! with:
//! replace:
//!             // Only `PING N` from the server is this ping's reply. A late reply to an earlier
//!             // ping, a copy, or someone else's datagram is not: wait on. Comparing bytes works
//!             // for any datagram, text or not.
//!             Ok((size, sender))
//!                 if sender == options.server && buffer[..size] == *expected.as_bytes() =>
//!             {
//!                 return Ok(Some(sent_at.elapsed()));
//! with:
//!             Ok((size, _sender)) => {
//!                 // The mistake: a datagram need not be text; this panics when it is not.
//!                 let text = std::str::from_utf8(&buffer[..size]).expect("a reply is text");
//!                 if text == expected {
//!                     return Ok(Some(sent_at.elapsed()));
//!                 }
//! replace:
//!             Ok(_) => continue,
//! with:
//! replace:
//!     // Whole numbers, rounded down, as the output format says.
//! with:
//! replace:
//!     // With no reply there is no minimum, and a mean would divide by zero: no line.
//! with:
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
