//! A known-bad command-server, kept to prove that `cargo exercise check command-server` catches
//! its mistake: it closes the connection after `ERR not UTF-8`, where the session goes on.
//!
//! mistake: closes the connection after ERR not UTF-8
//! caught by: not-utf8
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             send_line(client, "ERR not UTF-8")?;
//!             continue;
//! with:
//!             send_line(client, "ERR not UTF-8")?;
//!             // The mistake: a line that is not UTF-8 is still a whole line; the session goes on.
//!             bail!("sent a line that is not UTF-8");
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
