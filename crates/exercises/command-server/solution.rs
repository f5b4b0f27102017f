//! Exercise `command-server` (lesson 4), the reference solution. Try it yourself first: your
//! file is `crates/exercises/command-server/command-server.rs`.
//!
//! One reply line per request line: `UPPER text` -> `TEXT`, `REVERSE text` -> `txet`, `QUIT`
//! -> `BYE` and the close, anything else -> `ERR unknown command`. A line that is not UTF-8
//! gets `ERR not UTF-8` and the session goes on; a line over 1024 bytes gets
//! `ERR line too long` and the close. The client closing ends the session.
//!
//! The protocol's rules live in `reply_to`, apart from the socket code, so that another server
//! (lesson 8's, with threads) can answer the same commands without changing them.

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

/// What [`receive_line`] found in the stream.
enum Received {
    /// A whole line, without its `\n` (or `\r\n`).
    Line(Vec<u8>),
    /// More than [`MAX_LINE`] bytes without a newline: the client is not sending lines.
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
/// connection. The connection closes when this returns.
fn run_session(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    // Bytes received but not used yet: one receive may bring the end of one line and the start
    // of the next, and those must wait here for the next call of `receive_line`.
    let mut pending = Vec::new();
    loop {
        let line = match receive_line(client, &mut pending)? {
            Received::Line(line) => line,
            Received::Closed => return Ok(()),
            Received::TooLong => {
                // We no longer know where the next line starts: say why, and hang up.
                send_line(client, "ERR line too long")?;
                bail!("sent a line over {MAX_LINE} bytes");
            }
        };
        // A bad line is still a whole line: the next one starts right after it, so the session
        // can go on.
        let Ok(text) = std::str::from_utf8(&line) else {
            send_line(client, "ERR not UTF-8")?;
            continue;
        };
        match reply_to(text) {
            Reply::Line(reply) => send_line(client, &reply)?,
            Reply::Bye => {
                send_line(client, "BYE")?;
                return Ok(());
            }
        }
    }
}

/// Receives until `pending` holds a whole line, and takes that line out of it. The bytes after
/// the line's `\n` stay in `pending`, for the next call.
///
/// This is id-client's `receive_line` (lesson 4), which kept only the first line. It never
/// holds more than about two buffers: a client that sends no newline is refused as soon as it
/// has sent more than a line may hold, instead of being stored for ever.
fn receive_line(client: &mut impl Read, pending: &mut Vec<u8>) -> Result<Received> {
    let mut buffer = [0u8; BUFFER_SIZE];
    loop {
        if let Some(end) = pending.iter().position(|&byte| byte == b'\n') {
            // `drain` removes the line and its `\n` from the front; the rest stays.
            let mut line: Vec<u8> = pending.drain(..=end).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(match line.len() > MAX_LINE {
                true => Received::TooLong,
                false => Received::Line(line),
            });
        }
        // No newline yet. A line may hold MAX_LINE bytes and a `\r`: beyond that, no `\n` can
        // make it a line we accept, so stop reading.
        if pending.len() > MAX_LINE + 1 {
            return Ok(Received::TooLong);
        }
        let count = client.read(&mut buffer).context("could not receive")?;
        if count == 0 {
            return Ok(Received::Closed);
        }
        pending.extend_from_slice(&buffer[..count]);
    }
}

/// The reply to one request line (decoded, without its line ending). The protocol, and
/// nothing else: no sockets here.
fn reply_to(line: &str) -> Reply {
    if line == "QUIT" {
        return Reply::Bye;
    }
    // The command is the line up to its first space; the text is everything after it.
    let (command, text) = line.split_once(' ').unwrap_or((line, ""));
    match command {
        // All of Unicode, as lesson 4's uppercase server: `straße` becomes `STRASSE`.
        "UPPER" => Reply::Line(text.to_uppercase()),
        // Characters, not bytes: reversing the bytes of `ë` would not be UTF-8 any more.
        "REVERSE" => Reply::Line(text.chars().rev().collect()),
        _ => Reply::Line("ERR unknown command".to_string()),
    }
}

/// Sends `text` and its `\n` in one write (two writes would be two packets, and with Nagle's
/// algorithm a delay: see lesson 5).
fn send_line(client: &mut impl Write, text: &str) -> Result<()> {
    client
        .write_all(format!("{text}\n").as_bytes())
        .context("could not send a reply")
}
