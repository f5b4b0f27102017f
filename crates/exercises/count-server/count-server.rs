//! Exercise `count-server` (lesson 3): count the bytes a client sends.
//!
//! The task: for each client, receive everything it sends until it closes its sending side
//! (a half-close, `shutdown(Write)`, as lesson 3's echo-client does: your read then returns 0
//! bytes). Then reply one line saying how many bytes arrived, and close the connection.
//!
//! The protocol, exactly:
//!
//! - the client sends any bytes, as many as it likes (none at all is fine), in as many pieces
//!   as it likes. They need not be text: count every byte, whatever it is;
//! - then it half-closes. Only then does the server reply, with one line: the number of bytes
//!   received, in decimal, a space, `bytes`, and a newline (`\n`). The word is always `bytes`,
//!   even for one byte (`1 bytes`) or none (`0 bytes`): a program reading the reply should not
//!   need to know English plurals;
//! - then the server closes the connection and serves the next client.
//!
//! An example exchange:
//!
//! ```text
//! client sends:   Hello, world         (12 bytes, then it half-closes)
//! server replies: 12 bytes\n           (and closes the connection)
//! ```
//!
//! Everything around your part is done: `exercises::serve` reads the options (`--port`,
//! default 12346; `--host`; `--idle-timeout`), listens, prints `listening on <ip>:<port>` and
//! calls `count_and_reply` for each client, one after another.
//!
//! - Run it:    `cargo run -p exercises --bin count-server`, then in a second terminal
//!   `printf 'Hello, world' | nc -N 127.0.0.1 12346` (`-N` half-closes when the input ends),
//!   or `head -c 1000000 /dev/urandom | nc -N 127.0.0.1 12346` for a million random bytes.
//! - Check it:  `cargo exercise check count-server`
//! - Stuck?     `cargo exercise hint count-server`; the lesson: `lessons/03-echo.md`, section
//!   "Exercise: count-server".

// Until you write the `todo!()`s below, some imports and variables are unused: this line keeps
// the compiler from warning about them. You may delete it once your server passes.
#![allow(unused_imports, unused_variables, dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result};
use netlesson::Traced;

/// The port count-server listens on unless `--port` says otherwise.
const PORT: u16 = 12346;

/// The most bytes one receive takes, as in lesson 3.
const BUFFER_SIZE: usize = 1024;

fn main() -> ExitCode {
    exercises::serve(PORT, count_and_reply)
}

/// Counts what `client` sends until it half-closes, then replies `<N> bytes\n`. The
/// connection closes when this returns; an error you return is printed as one line, and the
/// server goes on.
fn count_and_reply(client: &mut Traced<TcpStream>, address: SocketAddr) -> Result<()> {
    let count = count_until_half_close(client)?;
    send_count(client, count)
}

/// Receives until the client has finished sending; returns how many bytes arrived.
fn count_until_half_close(client: &mut Traced<TcpStream>) -> Result<usize> {
    // TODO (lesson 3, "2. Echo until the client is done"): receive into a buffer of
    // BUFFER_SIZE bytes until a read returns 0, adding up what each read returned.
    todo!("receive until a read returns 0 bytes, and return how many bytes arrived")
}

/// Sends the one reply line, `<count> bytes\n`.
fn send_count(client: &mut Traced<TcpStream>, count: usize) -> Result<()> {
    // TODO (lesson 3, "2. Echo until the client is done"): build the line, then send all of
    // it with `client.write_all(...)` (echo's `send_all` is the same, plus a clearer message).
    todo!("send `<count> bytes\\n`")
}
