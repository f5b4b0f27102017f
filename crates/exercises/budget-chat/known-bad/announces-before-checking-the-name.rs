//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: it tells the room that a newcomer entered before it checks that the name is free,
//! so everyone hears of a name that is then refused.
//!
//! mistake: announces a newcomer before checking that its name is free
//! caught by: notices
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         if self.members.iter().any(|member| member.name == name) {
//!             bail!("the name {name} is taken");
//!         }
//! with:
//!         // The mistake: the room hears of the newcomer before its name is known to be free.
//!         self.broadcast(&format!("* {name} has entered the room\n"), None);
//!         if self.members.iter().any(|member| member.name == name) {
//!             bail!("the name {name} is taken");
//!         }
//! replace:
//!         let _ = outgoing.try_send(present);
//!         self.broadcast(&format!("* {name} has entered the room\n"), None);
//! with:
//!         let _ = outgoing.try_send(present);
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
