//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: it closes a client that sent no name within --idle-timeout without a word, where it
//! gets one error line, as a bad name does.
//!
//! mistake: closes a client that sent no name in time without the error line
//! caught by: idle
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
//!     let name = match read_name(&mut lines) {
//!         Ok(name) => name,
//!         // The mistake: a client whose name did not come in time gets one error line too.
//!         Err(problem) if problem.to_string() == "no name" => return Err(problem),
//!         Err(problem) => return Err(refuse(&outgoing, problem)),
//!     };
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
