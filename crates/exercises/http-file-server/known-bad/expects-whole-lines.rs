//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: expects each line to arrive whole in one read
//! caught by: bytewise
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let read = incoming
//!             .by_ref()
//!             .take(room)
//!             .read_until(b'\n', &mut line)
//!             .context("could not receive a request")?;
//! with:
//!         // The mistake: a line is taken to arrive in one read.
//!         let _ = room;
//!         let available = incoming.fill_buf().context("could not receive a request")?;
//!         let read = available
//!             .iter()
//!             .position(|&byte| byte == b'\n')
//!             .map_or(available.len(), |at| at + 1);
//!         line.extend_from_slice(&available[..read]);
//!         incoming.consume(read);
//! ```

// The change leaves the compiler something to warn about: `Read` is no longer used.
#![allow(unused_imports)]

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
