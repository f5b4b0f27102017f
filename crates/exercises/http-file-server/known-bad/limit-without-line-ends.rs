//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: counts a head's bytes without its line ends, so a head of 8193 bytes passes
//! caught by: head-limit
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         received += read;
//! with:
//!         // The mistake: the line ends are not counted.
//!         received += line.trim_ascii_end().len();
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
