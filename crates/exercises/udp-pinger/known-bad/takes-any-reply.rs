//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches
//! its mistake: it takes whatever datagram comes next for the reply, so a late reply
//! or a copy answers the wrong ping.
//!
//! mistake: takes whatever datagram comes next for the reply
//! caught by: late-reply-and-copy
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
//!     let expected = format!("PING {number}");
//! with:
//! replace:
//!     // One deadline for this ping: a stray datagram that we ignore must not give the reply
//!     // more time.
//!     let deadline = sent_at + options.timeout;
//! with:
//! replace:
//!     loop {
//!         let left = deadline.saturating_duration_since(Instant::now());
//!         if left.is_zero() {
//!             return Ok(None);
//! with:
//!     socket.set_read_timeout(Some(options.timeout))?;
//!     // The mistake: whatever datagram comes next counts as this ping's reply.
//!     match socket.recv_from(&mut buffer) {
//!         Ok(_) => Ok(Some(sent_at.elapsed())),
//!         Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
//!             Ok(None)
//! replace:
//!         socket.set_read_timeout(Some(left))?;
//!         match socket.recv_from(&mut buffer) {
//!             // Only `PING N` from the server is this ping's reply. A late reply to an earlier
//!             // ping, a copy, or someone else's datagram is not: wait on. Comparing bytes works
//!             // for any datagram, text or not.
//!             Ok((size, sender))
//!                 if sender == options.server && buffer[..size] == *expected.as_bytes() =>
//!             {
//!                 return Ok(Some(sent_at.elapsed()));
//!             }
//!             Ok(_) => continue,
//!             Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
//!                 return Ok(None);
//!             }
//!             Err(error) => return Err(error).context("could not receive a reply"),
//!         }
//! with:
//!         Err(error) => Err(error).context("could not receive a reply"),
//! replace:
//!     // Whole numbers, rounded down, as the output format says.
//! with:
//! replace:
//!     // With no reply there is no minimum, and a mean would divide by zero: no line.
//! with:
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
