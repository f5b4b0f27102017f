//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: it writes each line to the members' connections itself, with the room locked, where
//! each member's writer thread sends its queue: a member that does not read makes everyone
//! wait.
//!
//! mistake: writes to every member's connection with the room locked, not through the queues
//! caught by: never-reads
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
//! with:
//! use std::sync::mpsc::{self, Receiver, SyncSender};
//! replace:
//!             if let Err(TrySendError::Full(_)) = member.outgoing.try_send(line.to_string()) {
//!                 full.push(member.id);
//!             }
//! with:
//!             // The mistake: the line is written here, with the room locked; once a member's
//!             // connection is full, this waits for it, and so does everyone.
//!             if (&member.connection).write_all(line.as_bytes()).is_err() {
//!                 full.push(member.id);
//!             }
//! replace:
//!         let _ = outgoing.try_send(present);
//! with:
//!         let _ = (&connection).write_all(present.as_bytes());
//! ```
// The mistake leaves part of the solution unused.
#![allow(dead_code)]
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
