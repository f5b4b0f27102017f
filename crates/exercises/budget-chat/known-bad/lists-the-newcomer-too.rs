//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches
//! its mistake: it adds the newcomer to the room before telling it who is there.
//! Everything else is the reference solution's.
//!
//! mistake: adds the newcomer to the room before telling it who is there
//! caught by: presence
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below: `build.rs`
//! makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         }
//!         let names: Vec<&str> = self.members.iter().map(|m| m.name.as_str()).collect();
//! with:
//!         }
//!         self.broadcast(&format!("* {name} has entered the room\n"), None);
//!         self.next_id += 1;
//!         // The mistake: the newcomer is in the list before it is told who is there.
//!         self.members.push(Member {
//!             id: self.next_id,
//!             name: name.to_string(),
//!             outgoing: outgoing.clone(),
//!             connection,
//!         });
//!         let names: Vec<&str> = self.members.iter().map(|m| m.name.as_str()).collect();
//! replace:
//!         self.broadcast(&format!("* {name} has entered the room\n"), None);
//!         self.next_id += 1;
//!         self.members.push(Member {
//!             id: self.next_id,
//!             name: name.to_string(),
//!             outgoing,
//!             connection,
//!         });
//! with:
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
