//! A known-bad command-server, kept to prove that `cargo exercise check command-server`
//! catches its mistake: it receives until a `\n` as id-client does, and throws away what came after it.
//!
//! mistake: receives until a `\n` as id-client does, and throws away what came after it
//! caught by: several-in-one-write
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             let mut line: Vec<u8> = pending.drain(..=end).collect();
//! with:
//!             let mut line: Vec<u8> = pending.drain(..=end).collect();
//!             // The mistake: what came after the `\n` (the start of the next line) is thrown away.
//!             pending.clear();
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
