//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches
//! its mistake: it uses `send`, which waits while a queue is full, instead of `try_send`.
//! Everything else is the reference solution's.
//!
//! mistake: uses `send`, which waits while a queue is full, instead of `try_send`
//! caught by: never-reads
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below: `build.rs`
//! makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
//! with:
//! use std::sync::mpsc::{self, Receiver, SyncSender};
//! replace:
//!     /// A handle on the member's connection, to shut it down when the member is dropped.
//! with:
//!     /// A handle on the member's connection (never used: this program drops nobody).
//!     #[allow(dead_code)]
//! replace:
//!     /// Queues `line` for every member but `except`, never waiting: a member whose queue is
//!     /// full is not reading, and is dropped.
//! with:
//!     /// Queues `line` for every member but `except`.
//! replace:
//!         let mut full = Vec::new();
//! with:
//! replace:
//!             if let Err(TrySendError::Full(_)) = member.outgoing.try_send(line.to_string()) {
//!                 full.push(member.id);
//!             }
//!         }
//!         for id in full {
//!             if let Some(member) = self.remove(id) {
//!                 self.notes
//!                     .push(format!("{} is not reading: dropped", member.name));
//!                 let _ = member.connection.shutdown(Shutdown::Both);
//!                 self.broadcast(&format!("* {} has left the room\n", member.name), None);
//!             }
//! with:
//!             // The mistake: `send` waits while the queue is full, with the room locked.
//!             let _ = member.outgoing.send(line.to_string());
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
