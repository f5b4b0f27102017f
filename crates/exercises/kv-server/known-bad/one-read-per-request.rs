//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it takes one read for a whole request, header and body, as lesson 5's stream-server takes one read for a message.
//!
//! mistake: takes one read for a whole request, as lesson 5's stream-server does
//! caught by: bytewise
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! use std::net::TcpStream;
//! with:
//! use std::io::Read;
//! use std::net::TcpStream;
//! replace:
//! use netlesson::framing::{FrameError, read_frame, send_string};
//! with:
//! use netlesson::framing::{FrameError, send_string};
//! replace:
//!         let request = match read_frame(client, MAX_REQUEST) {
//! with:
//!         // The mistake: one read is taken as a whole request, header and body.
//!         let request = match read_once(client) {
//! replace:
//! fn refuse(client: &mut Traced<TcpStream>, error: FrameError) -> Result<()> {
//! with:
//! /// One read, as lesson 5's stream-server does: the 8-digit header and what follows it.
//! fn read_once(client: &mut Traced<TcpStream>) -> Result<Option<Vec<u8>>, FrameError> {
//!     let mut buffer = vec![0u8; 8 + MAX_REQUEST];
//!     let count = client.read(&mut buffer).map_err(FrameError::Io)?;
//!     Ok((count > 0).then(|| buffer[8.min(count)..count].to_vec()))
//! }
//!
//! fn refuse(client: &mut Traced<TcpStream>, error: FrameError) -> Result<()> {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
