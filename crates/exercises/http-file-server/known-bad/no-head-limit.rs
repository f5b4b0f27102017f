//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: reads a head of any size: a line that never ends is read for ever
//! caught by: head-limit
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let room = (MAX_HEAD - received + 1) as u64;
//! with:
//!         // The mistake: no limit on what one line may take.
//!         let room = u64::MAX;
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
