//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it reads each header with one `read`, which may return fewer bytes than the digits.
//!
//! mistake: reads each header with one `read`, which may return fewer bytes than the digits
//! caught by: bytewise
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let header = read_exactly(client, digits as u64)?;
//! with:
//!     // The mistake: one read, as if the digits always arrived together.
//!     let mut header = vec![0u8; digits];
//!     let received = client.read(&mut header)?;
//!     header.truncate(received);
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
