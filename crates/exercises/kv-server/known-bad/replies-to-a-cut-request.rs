//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it answers a request cut short by the client's close with an ERR reply, where such
//! a client gets no reply.
//!
//! mistake: replies ERR to a request cut short by the close
//! caught by: closes-mid-request
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         _ => return Err(error).context("could not receive a request"),
//! with:
//!         // The mistake: a client that closed in the middle of a request gets no reply.
//!         FrameError::Truncated { .. } => "ERR cut short",
//!         _ => return Err(error).context("could not receive a request"),
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
