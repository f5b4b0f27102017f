//! A known-bad count-server, kept to prove that `cargo exercise check count-server` catches
//! its mistake: it waits a second after its reply "so that the reply gets there" before it
//! closes. The reply gets there anyway: closing the socket sends what is queued first.
//!
//! mistake: waits a second after the reply before it closes the connection
//! caught by: counts-one-client
//!
//! It is the reference solution, `count-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         .context("could not send the count")?;
//!     Ok(())
//! with:
//!         .context("could not send the count")?;
//!     // The mistake: the connection closes a second late; the client waits for nothing.
//!     std::thread::sleep(std::time::Duration::from_secs(1));
//!     Ok(())
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
