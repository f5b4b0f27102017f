//! A known-bad greet-server, kept to prove that `cargo exercise check greet-server` catches
//! its mistake: it trims the message, so `Ada\n` (what `nc` sends when you press Enter) is
//! greeted as `Ada`. The message is every byte received, as it is.
//!
//! mistake: trims spaces and the newline off the message
//! caught by: exact-message
//!
//! It is the reference solution, `greet-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let reply = format!("Hello, {message}!");
//! with:
//!     // The mistake: the spaces and the newline are part of the message.
//!     let reply = format!("Hello, {}!", message.trim());
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
