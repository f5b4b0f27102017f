//! A known-bad command-server, kept to prove that `cargo exercise check command-server`
//! catches its mistake: it replies BYE to QUIT, then goes on reading instead of closing.
//!
//! mistake: replies BYE to QUIT, then goes on reading instead of closing
//! caught by: answers-the-commands
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             Reply::Bye => {
//!                 send_line(client, "BYE")?;
//!                 return Ok(());
//!             }
//! with:
//!             // The mistake: it says BYE, then goes on reading instead of closing.
//!             Reply::Bye => send_line(client, "BYE")?,
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
