//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: it returns with `?` when reading a member's lines fails, before it takes the member
//! out of the room, so nobody hears that a member who reset its connection left.
//!
//! mistake: returns with `?` before leaving the room when a read fails
//! caught by: notices
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let relayed = relay(&mut lines, id, room);
//!     if let Err(problem) = &relayed {
//!         let _ = outgoing.try_send(format!("ERR {problem}\n"));
//!     }
//!     in_room(room, |room| room.leave(id));
//!     relayed
//! with:
//!     // The mistake: `?` returns at once when a read fails (a reset, a line too long), and the
//!     // member never leaves the room: nobody hears that it left.
//!     relay(&mut lines, id, room)?;
//!     in_room(room, |room| room.leave(id));
//!     Ok(())
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
