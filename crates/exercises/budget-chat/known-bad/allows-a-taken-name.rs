//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: it lets in a second member with a name that a member has now.
//!
//! mistake: lets in a name a member has now
//! caught by: notices
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         if self.members.iter().any(|member| member.name == name) {
//!             bail!("the name {name} is taken");
//!         }
//! with:
//!         // The mistake: two members called bob; a name a member has is refused.
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
