//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: it sets no read timeout for the name, so a client that sends nothing keeps its
//! connection (and a thread) for ever.
//!
//! mistake: sets no --idle-timeout for the name
//! caught by: idle
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     client.set_read_timeout(Some(settings.idle_timeout))?;
//! with:
//!     // The mistake: no read timeout, so a client that sends no name is never closed.
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
