//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches
//! its mistake: it keeps the --idle-timeout on reads after the name, so a quiet member is thrown out.
//! Everything else is the reference solution's.
//!
//! mistake: keeps the --idle-timeout on reads after the name, so a quiet member is thrown out
//! caught by: idle
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below: `build.rs`
//! makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     // A member may stay quiet as long as it likes.
//!     client.set_read_timeout(None)?;
//! with:
//!     // The mistake: the read timeout meant for the name stays on, for every line.
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
