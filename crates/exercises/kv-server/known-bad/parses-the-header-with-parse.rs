//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it reads the length header with `str::parse`, which takes `+0000005` for 5, where a
//! header is 8 ASCII digits and nothing else.
//!
//! mistake: reads the header with str::parse, which takes `+0000005`
//! caught by: bad-headers
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! use netlesson::framing::{FrameError, read_frame, send_string};
//! with:
//! use netlesson::framing::{FrameError, send_string};
//! replace:
//!         let request = match read_frame(client, MAX_REQUEST) {
//! with:
//!         let request = match read_request(client, MAX_REQUEST) {
//! replace:
//! /// A frame we cannot read. After a bad header or a length over the limit, nobody knows where
//! with:
//! /// One request: its header, then its body. The mistake: `parse` takes `+0000005` for 5, so a
//! /// header that is not 8 digits passes for one, and the server waits for a body that never comes.
//! fn read_request(
//!     client: &mut impl std::io::Read,
//!     limit: usize,
//! ) -> Result<Option<Vec<u8>>, FrameError> {
//!     let mut header = [0u8; 8];
//!     if let Err(error) = client.read_exact(&mut header) {
//!         return match error.kind() {
//!             std::io::ErrorKind::UnexpectedEof => Ok(None),
//!             _ => Err(error.into()),
//!         };
//!     }
//!     let size: usize = std::str::from_utf8(&header)
//!         .ok()
//!         .and_then(|text| text.parse().ok())
//!         .ok_or_else(|| FrameError::BadHeader {
//!             header: String::from_utf8_lossy(&header).into_owned(),
//!         })?;
//!     if size > limit {
//!         return Err(FrameError::TooLarge { size, limit });
//!     }
//!     let mut body = vec![0u8; size];
//!     client.read_exact(&mut body)?;
//!     Ok(Some(body))
//! }
//!
//! /// A frame we cannot read. After a bad header or a length over the limit, nobody knows where
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
