//! A known-bad count-server, kept to prove that `cargo exercise check count-server` catches
//! its mistake: like greet-server, it refuses a client whose first read returns 0 bytes, where
//! a client that sends nothing and half-closes is counted: `0 bytes`.
//!
//! mistake: refuses a client that sends nothing, where it gets `0 bytes`
//! caught by: nothing-sent
//!
//! It is the reference solution, `count-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         if received == 0 {
//!             return Ok(count);
//!         }
//! with:
//!         if received == 0 {
//!             // The mistake: nothing at all is a message too, of 0 bytes.
//!             if count == 0 {
//!                 anyhow::bail!("sent nothing");
//!             }
//!             return Ok(count);
//!         }
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
