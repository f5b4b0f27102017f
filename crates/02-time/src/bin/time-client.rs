//! Lesson 2, the client: connect, receive until the server closes, print the time.
//!
//! It follows the bogotobogo tutorial's client, with one change that matters: the original
//! calls `recv(1024)` once and hopes the whole time is there; this client receives until the
//! server closes the connection, which is how the server says "that was all". Start
//! `time-server` first. The walkthrough is `lessons/02-time-server.md`.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::show::show_bytes;
use netlesson::{ClientOptions, Limit};

/// time-server's port, from the bogotobogo tutorial.
const PORT: u16 = 9999;

/// The most bytes we take in one receive, like the original's `recv(1024)`.
const BUFFER_SIZE: usize = 1024;

/// The most bytes we accept in all. A time is 26 bytes; a server that sends more than this
/// without closing is not a time server, and we stop rather than fill memory.
const MAX_REPLY: usize = 1024;

/// Lesson 2's client: asks time-server for the time (by connecting) and prints it.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port of the server
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    client: ClientOptions,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.client.trace);
    let timeout = Limit::timeout(options.client.timeout);
    netlesson::finish(run(&options), Some(timeout))
}

fn run(options: &Options) -> Result<()> {
    // ANCHOR: connect
    // socket() + settimeout(5) + connect((host, 9999)), as lesson 1's client does by hand.
    let mut server = netlesson::connect(&options.client, options.port, "time-server")?;
    // ANCHOR_END: connect

    // ANCHOR: receive
    // The client sends nothing: connecting is the whole request.
    let reply = receive_until_closed(&mut server)?;
    let time = decode(&reply)?;
    println!("The time got from the server is {time}");
    Ok(())
    // ANCHOR_END: receive
} // <- `server` is dropped here, which closes our side: Python's s.close().

// ANCHOR: receive_until_closed
/// Receives until the server closes the connection, and returns everything it sent.
fn receive_until_closed(server: &mut impl Read) -> Result<Vec<u8>> {
    let mut reply = Vec::new();
    let mut buffer = [0u8; BUFFER_SIZE];
    loop {
        // recv(1024): wait for what has arrived so far (at most `--timeout`), up to 1024 bytes.
        let received = server
            .read(&mut buffer)
            .with_context(|| match reply.len() {
                0 => "no time from the server".to_string(),
                got => format!("the server sent {got} bytes, but did not close the connection"),
            })?;
        // 0 bytes: the server has closed the connection, so the reply is complete.
        if received == 0 {
            return Ok(reply);
        }
        reply.extend_from_slice(&buffer[..received]);
        if reply.len() > MAX_REPLY {
            bail!(
                "the server sent more than {MAX_REPLY} bytes without closing the connection \
                 (a time is 26 bytes: is it really a time-server?)"
            );
        }
    }
}
// ANCHOR_END: receive_until_closed

// ANCHOR: decode
/// Bytes to text, like Python's `decode('ascii')`: the time is ASCII, ended by CRLF.
fn decode(reply: &[u8]) -> Result<&str> {
    if reply.is_empty() {
        bail!("the server closed the connection without sending the time");
    }
    let Some(text) = std::str::from_utf8(reply)
        .ok()
        .filter(|text| text.is_ascii())
    else {
        bail!(
            "the server sent bytes that are not ASCII text: {}",
            show_bytes(reply)
        );
    };
    // "\r\n" ends the line: it marks the end of the time and is not part of it.
    let time = text.strip_suffix('\n').unwrap_or(text);
    Ok(time.strip_suffix('\r').unwrap_or(time))
}
// ANCHOR_END: decode
