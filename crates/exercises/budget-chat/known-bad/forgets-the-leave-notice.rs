//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches
//! its mistake: it takes a member out of the room without telling the others.
//! Everything else is the reference solution's.
//!
//! mistake: takes a member out of the room without telling the others
//! caught by: notices
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below: `build.rs`
//! makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         if let Some(member) = self.remove(id) {
//!             self.broadcast(&format!("* {} has left the room\n", member.name), None);
//!         }
//! with:
//!         // The mistake: nobody is told.
//!         self.remove(id);
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
