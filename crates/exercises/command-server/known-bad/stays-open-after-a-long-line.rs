//! A known-bad command-server, kept to prove that `cargo exercise check command-server` catches
//! its mistake: it skips a line that is too long and goes on, where the server replies `ERR
//! line too long` and closes the connection.
//!
//! mistake: goes on after a line that is too long, where it closes
//! caught by: line-limit
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! use anyhow::{Context, Result, bail};
//! with:
//! use anyhow::{Context, Result};
//! replace:
//!                 send_line(client, "ERR line too long")?;
//!                 bail!("sent a line over {MAX_LINE} bytes");
//! with:
//!                 send_line(client, "ERR line too long")?;
//!                 // The mistake: after a line too long the server closes the connection.
//!                 pending.clear();
//!                 continue;
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
