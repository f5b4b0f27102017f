//! Exercise `command-server` (lesson 4): answer commands, one line at a time.
//!
//! The task: a client sends requests, one per line, and for each line the server sends back
//! one reply line, until the client sends `QUIT` or closes the connection. Then the server
//! serves the next client. Nothing a client does may stop the server.
//!
//! The protocol. Every line ends with `\n`; a `\r` just before the `\n` (as `nc -C`, telnet and
//! Windows send) is not part of the line. Replies end with `\n` alone.
//!
//! | request line             | reply line                                                  |
//! |--------------------------|-------------------------------------------------------------|
//! | `UPPER text`             | the text in capital letters, as Rust's `to_uppercase` makes |
//! | `REVERSE text`           | the text's characters in reverse order                      |
//! | `QUIT`                   | `BYE`, then the server closes the connection                |
//! | anything else            | `ERR unknown command`                                       |
//! | a line that is not UTF-8 | `ERR not UTF-8`, and the session goes on                    |
//! | a line over 1024 bytes   | `ERR line too long`, then the server closes the connection  |
//!
//! - The command is the line up to its first space, exactly as written (`upper` is unknown);
//!   the text is everything after that first space, spaces included. `UPPER straße` gets
//!   `STRASSE` (capitals can have more letters), `REVERSE Zoë` gets `ëoZ` (characters, not
//!   bytes). With no text (`UPPER`, or `UPPER ` with its space) the reply is an empty line.
//!   Only the exact line `QUIT` quits: `QUIT now` is an unknown command, and so is an empty
//!   line.
//! - The limit counts the bytes of the line without its `\n` (or `\r\n`): 1024 are fine,
//!   1025 are too long. Do not wait for the `\n` of a line that is already too long: as soon
//!   as more than 1025 bytes (1024 and a `\r`) have come without a `\n`, reply and close. A
//!   client must not be able to make the server store much more than a line.
//! - The client closing the connection ends the session: first reply to every whole line it
//!   sent, then close. Bytes after its last `\n` are not a line: they get no reply.
//!
//! An example exchange:
//!
//! ```text
//! client sends:   UPPER hello, straße!\n
//! server replies: HELLO, STRASSE!\n
//! client sends:   REVERSE stressed\n
//! server replies: desserts\n
//! client sends:   QUIT\n
//! server replies: BYE\n                (and closes the connection)
//! ```
//!
//! Everything around your part is done: `exercises::serve` reads the options (`--port`,
//! default 12001; `--host`; `--idle-timeout`), listens, prints `listening on <ip>:<port>` and
//! calls `run_session` for each client, one after another.
//!
//! - Run it:    `cargo run -p exercises --bin command-server`, then in a second terminal
//!   `nc 127.0.0.1 12001` and type requests (`nc -C` ends each line with `\r\n`), or send a few
//!   at once: `printf 'UPPER hi\nREVERSE abc\nQUIT\n' | nc 127.0.0.1 12001`.
//! - Check it:  `cargo exercise check command-server`
//! - Stuck?     `cargo exercise hint command-server`; the lesson: `lessons/04-uppercase.md`,
//!   section "Exercise: command-server".

// Until you write the `todo!()`s below, some imports and variables are unused (and clippy
// would take `pending` for a slice, not the Vec your code will grow): this line keeps the
// compiler and clippy quiet about them. You may delete it once your server passes.
#![allow(
    unused_imports,
    unused_variables,
    unused_mut,
    dead_code,
    clippy::ptr_arg
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use netlesson::Traced;

/// The port command-server listens on unless `--port` says otherwise.
const PORT: u16 = 12001;

/// The longest request line, in bytes, not counting its `\n` (or `\r\n`).
const MAX_LINE: usize = 1024;

/// The most bytes one receive takes.
const BUFFER_SIZE: usize = 1024;

fn main() -> ExitCode {
    exercises::serve(PORT, run_session)
}

/// What `receive_line` found in the stream.
enum Received {
    /// A whole line, without its `\n` (or `\r\n`).
    Line(Vec<u8>),
    /// More than `MAX_LINE` bytes without a newline.
    TooLong,
    /// The client closed the connection (the bytes of an unfinished line, if any, are dropped).
    Closed,
}

/// What the server answers to one request line.
enum Reply {
    /// Send this line (the `\n` is added when it is sent).
    Line(String),
    /// Send `BYE`, then close the connection.
    Bye,
}

/// Answers `client`'s request lines one by one, until it sends `QUIT` or closes the
/// connection. The connection closes when this returns; an error you return is printed as one
/// line, and the server goes on to the next client.
fn run_session(client: &mut Traced<TcpStream>, address: SocketAddr) -> Result<()> {
    // Bytes received but not used yet: one receive may bring the end of one line and the start
    // of the next, and those must wait here for the next call of `receive_line`.
    let mut pending: Vec<u8> = Vec::new();
    // TODO (lesson 4, "Who speaks first, and how each side knows the other has finished"):
    // loop: get the next line with `receive_line`. `Closed`: return Ok. `TooLong`: send
    // `ERR line too long`, then return an error (that closes the connection). A line: decode it
    // with `std::str::from_utf8` (not UTF-8: send `ERR not UTF-8` and go on with the next
    // line), then send what `reply_to` says; after `BYE`, return.
    todo!("answer each line that `receive_line` returns, until QUIT or the close")
}

/// Receives until `pending` holds a whole line, and takes that line out of it. The bytes after
/// the line's `\n` stay in `pending`, for the next call.
///
/// New Rust here: `&mut impl Read` is any reader (lessons/rust-you-need.md, "impl Trait
/// arguments"); `Vec::drain`, `split_once` and `chars().rev()` are under "Iterators" there.
fn receive_line(client: &mut impl Read, pending: &mut Vec<u8>) -> Result<Received> {
    // TODO (lesson 4, "The student ID client"): id-client's `receive_line`, with two changes:
    // keep the bytes after the `\n` in `pending` instead of throwing them away, and return
    // `TooLong` as soon as `pending` holds more than MAX_LINE + 1 bytes without a `\n`. Take
    // the `\n`, and a `\r` before it, off the line; a line still over MAX_LINE is `TooLong`.
    todo!("receive until `pending` holds a `\\n`, then take the line out of `pending`")
}

/// The reply to one request line (decoded, without its line ending).
fn reply_to(line: &str) -> Reply {
    // TODO (lesson 4, "The uppercase server"): `QUIT` gets `Reply::Bye`. Otherwise split the
    // line at its first space into the command and the text, and match on the command:
    // `UPPER` (`to_uppercase`), `REVERSE` (the characters backwards), anything else
    // `ERR unknown command`.
    todo!("the reply to `line`: UPPER, REVERSE, QUIT or ERR unknown command")
}

/// Sends `text` and its `\n` in one write.
fn send_line(client: &mut impl Write, text: &str) -> Result<()> {
    client
        .write_all(format!("{text}\n").as_bytes())
        .context("could not send a reply")
}
