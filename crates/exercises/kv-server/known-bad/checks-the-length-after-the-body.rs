//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it reads the whole body a header announces before it checks the length, where a
//! length over 70000 is refused at once, without reading any body.
//!
//! mistake: reads the body before it checks the length
//! caught by: too-long
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let request = match read_frame(client, MAX_REQUEST) {
//! with:
//!         // The mistake: the limit is checked after the body is read (and stored): a client
//!         // that announces 99999999 bytes makes the server wait for them, and store them.
//!         let request = match read_frame(client, usize::MAX) {
//!             Ok(Some(request)) if request.len() > MAX_REQUEST => {
//!                 send_string(client, "ERR too long").context("could not send the reply")?;
//!                 return Ok(());
//!             }
//!             other => other,
//!         };
//!         let request = match request {
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
