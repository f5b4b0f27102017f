//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: its writer thread sends the lines waiting in a queue newest first, where each
//! member hears the lines in the order they were sent.
//!
//! mistake: sends the lines waiting in a queue newest first
//! caught by: messages
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     for line in queue {
//!         if let Err(error) = client.write_all(line.as_bytes()) {
//!             // Wake the reader, which may be waiting for a line of the client's.
//!             let _ = client.shutdown(Shutdown::Both);
//!             return Err(error).context("could not send");
//!         }
//!     }
//! with:
//!     // The mistake: the lines that waited are sent newest first (after a pause to let them
//!     // gather, to send fewer packets); each member hears the lines in the order sent.
//!     while let Ok(first) = queue.recv() {
//!         std::thread::sleep(std::time::Duration::from_millis(20));
//!         let mut waiting = vec![first];
//!         waiting.extend(queue.try_iter());
//!         for line in waiting.into_iter().rev() {
//!             if let Err(error) = client.write_all(line.as_bytes()) {
//!                 // Wake the reader, which may be waiting for a line of the client's.
//!                 let _ = client.shutdown(Shutdown::Both);
//!                 return Err(error).context("could not send");
//!             }
//!         }
//!     }
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
