//! Exercise `greet-server` (lesson 1): say hello to each client.
//!
//! The task: for each client, receive one message, as lesson 1's server does (one read of at
//! most 1024 bytes; the client sends its message in one piece), reply `Hello, <message>!`,
//! and close the connection. A message that is not UTF-8 text gets no reply at all: close the
//! connection and serve the next client. Nothing a client does may stop the server.
//!
//! An example exchange:
//!
//! ```text
//! client sends:   Ada
//! server replies: Hello, Ada!          (and closes the connection)
//! ```
//!
//! Everything around your part is done: `exercises::serve` reads the options (`--port`,
//! default 50001; `--host`; `--idle-timeout`), listens, prints `listening on <ip>:<port>` and
//! calls `greet` for each client, one after another.
//!
//! - Run it:    `cargo run -p exercises --bin greet-server`, then in a second terminal
//!   `printf 'Ada' | nc -N 127.0.0.1 50001` (or `cargo run --bin simple-client -- --port 50001
//!   --message Ada`).
//! - Check it:  `cargo exercise check greet-server`
//! - Stuck?     `cargo exercise hint greet-server`; the lesson: `lessons/01-simple-server.md`,
//!   section "Exercise: greet-server".

// Until you write the `todo!()` below, some imports and variables are unused: this line keeps
// the compiler from warning about them. You may delete it once your server passes.
#![allow(unused_imports, unused_variables, dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use netlesson::Traced;

/// The port greet-server listens on unless `--port` says otherwise.
const PORT: u16 = 50001;

/// The most bytes one receive takes, as in lesson 1.
const BUFFER_SIZE: usize = 1024;

fn main() -> ExitCode {
    exercises::serve(PORT, greet)
}

/// Receives one message from `client` and replies `Hello, <message>!`. The connection closes
/// when this returns; an error you return is printed as one line, and the server goes on.
fn greet(client: &mut Traced<TcpStream>, address: SocketAddr) -> Result<()> {
    // TODO (lesson 1, "6. Receive, answer, close"): receive once into a buffer of BUFFER_SIZE
    // bytes; refuse an empty or non-UTF-8 message by returning an error; send the greeting.
    todo!("receive one message from `client` and reply `Hello, <message>!`")
}
