//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it answers one request and closes the connection, where a client sends as many as
//! it likes on one connection.
//!
//! mistake: answers one request per connection, then closes
//! caught by: set-and-get
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! fn answer_requests(client: &mut Traced<TcpStream>, store: &mut Store) -> Result<()> {
//! with:
//! #[allow(clippy::never_loop)] // the mistake: the loop never goes round
//! fn answer_requests(client: &mut Traced<TcpStream>, store: &mut Store) -> Result<()> {
//! replace:
//!         send_string(client, &reply).context("could not send the reply")?;
//!     }
//! with:
//!         send_string(client, &reply).context("could not send the reply")?;
//!         // The mistake: a client may send as many requests as it likes on one connection.
//!         return Ok(());
//!     }
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
