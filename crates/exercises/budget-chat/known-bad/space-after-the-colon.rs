//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: it tells a newcomer alone in the room `* The room contains: ` with a space, where
//! nothing comes after the colon.
//!
//! mistake: puts a space after the colon when the room is empty
//! caught by: presence
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             true => "* The room contains:\n".to_string(),
//! with:
//!             // The mistake: nothing after the colon, not even a space.
//!             true => "* The room contains: \n".to_string(),
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
