//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: it closes the connection of a client with a bad name without a word, where that
//! client gets one error line first.
//!
//! mistake: closes on a bad name without the error line
//! caught by: bad-names
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let name = match read_name(&mut lines) {
//!         Ok(name) => name,
//!         Err(problem) => return Err(refuse(&outgoing, problem)),
//!     };
//! with:
//!     // The mistake: the client is told why, in one error line, before the close.
//!     let name = read_name(&mut lines)?;
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
