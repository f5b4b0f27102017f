//! Lesson 4, the uppercase client: read a sentence from the keyboard, send it, print the reply.
//!
//! It follows Kurose & Ross's TCP client: prompt `Input lowercase sentence:`, send the line
//! (without its newline, as Python's `input()` returns it), then print what the server sends
//! back. It receives until the server closes the connection, as lesson 2's time-client does.
//! Start `uppercase-server` first. The walkthrough is `lessons/04-uppercase.md`.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;
use lesson_uppercase::read_typed_line;
use netlesson::show::show_bytes;
use netlesson::{ClientOptions, Limit};

/// uppercase-server's port, from Kurose & Ross.
const PORT: u16 = 12000;

/// What the client asks, exactly as the original's `input("Input lowercase sentence:")`.
const PROMPT: &str = "Input lowercase sentence:";

/// The most bytes we take in one receive, like the original's `recv(2048)`.
const BUFFER_SIZE: usize = 2048;

/// The most bytes uppercase-server takes from us: its one `recv(2048)`.
const SERVER_RECEIVES_AT_MOST: usize = 2048;

/// The most bytes we accept in all. The server answers one receive of at most 2048 bytes, and
/// capitals take at most three times the bytes of the small letters; a server that sends more
/// without closing is not an uppercase server, and we stop rather than fill memory.
const MAX_REPLY: usize = 3 * 2048;

/// Lesson 4's uppercase client: sends one line typed on stdin and prints it in capitals.
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
    // ANCHOR: input
    // input(...): ask first and connect afterwards, so that the server (which serves one
    // client at a time) is not kept waiting while you type.
    let sentence = input(PROMPT)?;
    if sentence.is_empty() {
        bail!("the sentence is empty: type a few words, then press Enter");
    }
    // The server takes what one recv(2048) returns. A longer sentence would be cut, and the
    // bytes it never read would make it reset the connection: refuse it here, plainly.
    if sentence.len() > SERVER_RECEIVES_AT_MOST {
        bail!(
            "the sentence is {} bytes, and uppercase-server reads at most \
             {SERVER_RECEIVES_AT_MOST} in its one receive (lesson 5 shows how to send messages \
             of any length)",
            sentence.len()
        );
    }
    // ANCHOR_END: input

    // ANCHOR: exchange
    let mut server = netlesson::connect(&options.client, options.port, "uppercase-server")?;

    // send(sentence.encode()): the sentence's UTF-8 bytes, without a newline, like the original.
    server
        .write_all(sentence.as_bytes())
        .context("could not send the sentence")?;

    // The server closes the connection after its reply: that is how we know the reply is whole.
    let reply = receive_until_closed(&mut server)?;
    let Ok(capitals) = String::from_utf8(reply) else {
        bail!("the server's reply is not UTF-8 text");
    };
    println!("{capitals}");
    Ok(())
    // ANCHOR_END: exchange
}

// ANCHOR: prompt
/// Shows `prompt`, reads one line from stdin and returns it without its line ending, like
/// Python's `input(prompt)`.
fn input(prompt: &str) -> Result<String> {
    // The prompt has no newline, so it would wait in stdout's buffer: flush it out now.
    print!("{prompt}");
    io::stdout().flush().context("could not show the prompt")?;

    // The line typed, without its Enter (see `src/lib.rs`); none if stdin ended first.
    match read_typed_line()? {
        Some(line) => Ok(line),
        None => bail!("stdin was closed before a line was typed (Ctrl-D?): nothing to send"),
    }
}
// ANCHOR_END: prompt

/// Receives until the server closes the connection (the same loop as lesson 2's time-client).
fn receive_until_closed(server: &mut impl Read) -> Result<Vec<u8>> {
    let mut reply = Vec::new();
    let mut buffer = [0u8; BUFFER_SIZE];
    loop {
        let received = server
            .read(&mut buffer)
            .context("no reply from the server")?;
        if received == 0 {
            if reply.is_empty() {
                bail!("the server closed the connection without replying");
            }
            return Ok(reply);
        }
        reply.extend_from_slice(&buffer[..received]);
        if reply.len() > MAX_REPLY {
            bail!(
                "the server sent more than {MAX_REPLY} bytes without closing the connection: {}",
                show_bytes(&reply)
            );
        }
    }
}
