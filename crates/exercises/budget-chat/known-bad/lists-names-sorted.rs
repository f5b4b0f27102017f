//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: it lists the names in alphabetical order, where they come in the order the members
//! came in.
//!
//! mistake: lists the names sorted, not in the order they came in
//! caught by: presence
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let names: Vec<&str> = self.members.iter().map(|m| m.name.as_str()).collect();
//! with:
//!         let mut names: Vec<&str> = self.members.iter().map(|m| m.name.as_str()).collect();
//!         // The mistake: the order is the order they came in.
//!         names.sort_unstable();
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
