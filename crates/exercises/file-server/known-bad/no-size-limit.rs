//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it accepts any size, and waits for bytes it should have refused.
//!
//! mistake: accepts any size, and waits for bytes it should have refused
//! caught by: limits
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     if size > MAX_SIZE {
//!         bail!("{size} bytes is over the limit of {MAX_SIZE} bytes (10 MiB)");
//!     }
//! with:
//!     // The mistake: no limit on the size.
//! replace:
//! /// The biggest file accepted: 10 MiB.
//! const MAX_SIZE: u64 = 10 * 1024 * 1024;
//! with:
//!
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
