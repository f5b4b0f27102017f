//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: its welcome has no `\n`, so a client waits for the end of that line for ever, where
//! every line ends with `\n`.
//!
//! mistake: sends the welcome without its \n
//! caught by: welcome
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! const WELCOME: &str = "Welcome to budgetchat! What shall I call you?\n";
//! with:
//! // The mistake: every line ends with `\n`, the welcome too.
//! const WELCOME: &str = "Welcome to budgetchat! What shall I call you?";
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
