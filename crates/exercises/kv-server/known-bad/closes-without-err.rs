//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: on a broken frame it returns the error with `?`, which closes the connection without the ERR reply.
//!
//! mistake: ends the connection on a broken frame with `?`, without an ERR reply
//! caught by: too-long
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             Err(error) => return refuse(client, error),
//! with:
//!             // The mistake: a broken frame ends the connection without an ERR reply.
//!             Err(error) => return Err(error).context("could not receive a request"),
//! replace:
//! fn refuse(client: &mut Traced<TcpStream>, error: FrameError) -> Result<()> {
//! with:
//! #[allow(dead_code)]
//! fn refuse(client: &mut Traced<TcpStream>, error: FrameError) -> Result<()> {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
