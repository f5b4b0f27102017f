//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches
//! its mistake: it prints the rtt line even when no reply came (inf/NaN/0.000).
//!
//! mistake: prints the rtt line even with no reply (inf/NaN/0.000)
//! caught by: never-answers
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
//! with:
//! replace:
//!     // Whole numbers, rounded down, as the output format says.
//! with:
//! replace:
//!     // With no reply there is no minimum, and a mean would divide by zero: no line.
//!     let (Some(min), Some(max)) = (round_trips.iter().min(), round_trips.iter().max()) else {
//!         return;
//!     };
//!     let mean = round_trips.iter().sum::<Duration>() / received;
//!     println!(
//!         "rtt min/avg/max = {}/{}/{} ms",
//!         milliseconds(*min),
//!         milliseconds(mean),
//!         milliseconds(*max)
//!     );
//! with:
//!     // The mistake: the line is printed even with no reply, as inf/NaN/0.000.
//!     let times: Vec<f64> = round_trips
//!         .iter()
//!         .map(|d| d.as_secs_f64() * 1000.0)
//!         .collect();
//!     let min = times.iter().copied().fold(f64::INFINITY, f64::min);
//!     let max = times.iter().copied().fold(0.0, f64::max);
//!     let mean = times.iter().sum::<f64>() / times.len() as f64;
//!     println!("rtt min/avg/max = {min:.3}/{mean:.3}/{max:.3} ms");
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
