//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches
//! its mistake: it sends each line to every member, the sender too.
//! Everything else is the reference solution's.
//!
//! mistake: sends each line to every member, the sender too
//! caught by: messages
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below: `build.rs`
//! makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         self.broadcast(&line, Some(from));
//! with:
//!         // The mistake: everyone hears it, the speaker too.
//!         self.broadcast(&line, None);
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
