//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches
//! its mistake: it relays a line as it came, so a `\r` or an ESC reaches the others' terminals,
//! which obey it. Everything else is the reference solution's.
//!
//! mistake: relays control bytes as they came, instead of escaping them
//! caught by: control-bytes
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below: `build.rs`
//! makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! use netlesson::show::escape_controls;
//! with:
//! replace:
//!         // The others' terminals would obey control characters (`\r` to overwrite a line, ESC
//!         // to clear the screen): they get them escaped, as `\r` and `\x1b`, instead.
//!         let text = escape_controls(&text);
//! with:
//!         // The mistake: the line goes on as it came, control bytes and all.
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
