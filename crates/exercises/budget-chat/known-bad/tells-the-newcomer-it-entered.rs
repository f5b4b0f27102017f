//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: it adds the newcomer before it tells the room, so the newcomer hears that it
//! entered, where only those already in hear it.
//!
//! mistake: tells the newcomer too that it entered the room
//! caught by: notices
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let _ = outgoing.try_send(present);
//!         self.broadcast(&format!("* {name} has entered the room\n"), None);
//!         self.next_id += 1;
//!         self.members.push(Member {
//!             id: self.next_id,
//!             name: name.to_string(),
//!             outgoing,
//!             connection,
//!         });
//! with:
//!         let _ = outgoing.try_send(present);
//!         self.next_id += 1;
//!         self.members.push(Member {
//!             id: self.next_id,
//!             name: name.to_string(),
//!             outgoing,
//!             connection,
//!         });
//!         // The mistake: the newcomer is in the room already, and hears this too.
//!         self.broadcast(&format!("* {name} has entered the room\n"), None);
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
