//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it tries a read that timed out again, so a client that stops sending holds the
//! server for ever, where it is refused after --idle-timeout.
//!
//! mistake: tries a read that timed out again, so a client that stalls holds the server
//! caught by: stalls
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! use std::io::{self, ErrorKind, Read, Write};
//! with:
//! use std::io::{ErrorKind, Read, Write};
//! replace:
//!     let copied = io::copy(&mut client.take(size), &mut file)?;
//! with:
//!     // The mistake: a read that timed out (--idle-timeout) is tried again, for ever.
//!     let mut copied = 0;
//!     let mut buffer = [0u8; 8192];
//!     while copied < size {
//!         let wanted = (size - copied).min(buffer.len() as u64) as usize;
//!         match client.read(&mut buffer[..wanted]) {
//!             Ok(0) => break,
//!             Ok(count) => {
//!                 file.write_all(&buffer[..count])?;
//!                 copied += count as u64;
//!             }
//!             Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
//!             Err(error) => return Err(error.into()),
//!         }
//!     }
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
