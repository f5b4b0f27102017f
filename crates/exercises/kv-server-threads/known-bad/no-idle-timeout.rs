//! A known-bad kv-server-threads, kept to prove that `cargo exercise check kv-server-threads`
//! catches its mistake: it never sets the client's timeouts, so a client that sends nothing
//! keeps its thread, and its place, for ever.
//!
//! mistake: sets no --idle-timeout on the client's connection
//! caught by: silent
//!
//! It is the reference solution, `kv-server-threads/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! use netlesson::server::{report_client, set_timeouts};
//! with:
//! use netlesson::server::report_client;
//! replace:
//!     set_timeouts(&client, settings.idle_timeout).context("could not set timeouts")?;
//! with:
//!     // The mistake: without a read timeout, a client that sends nothing is never closed.
//!     let _ = settings;
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
