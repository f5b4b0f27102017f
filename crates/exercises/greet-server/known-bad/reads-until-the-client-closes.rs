//! A known-bad greet-server, kept to prove that `cargo exercise check greet-server` catches
//! its mistake: it reads until the client closes its side (`read_to_end`), but the client
//! sends its message in one piece and waits for the reply with its side open.
//!
//! mistake: reads until the client closes its side, where one read is the message
//! caught by: answers-one-client
//!
//! It is the reference solution, `greet-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let mut buffer = [0u8; BUFFER_SIZE];
//!     let received = client.read(&mut buffer).context("could not receive")?;
//! with:
//!     // The mistake: read_to_end waits for the client to close its side, which it never does.
//!     let mut buffer = Vec::with_capacity(BUFFER_SIZE);
//!     let received = client.read_to_end(&mut buffer).context("could not receive")?;
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
