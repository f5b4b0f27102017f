//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it reads the file's bytes with one `read`, which returns only what has arrived so
//! far.
//!
//! mistake: reads the file's bytes with one `read`, which returns only what has arrived
//! caught by: saves-a-big-binary-file
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
//!     // The mistake: one read, as if the whole file always arrived at once.
//!     let mut bytes = vec![0u8; usize::try_from(size)?];
//!     let copied = client.read(&mut bytes)?;
//!     file.write_all(&bytes[..copied])?;
//!     let copied = copied as u64;
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
