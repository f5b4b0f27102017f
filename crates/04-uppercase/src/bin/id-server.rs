//! Lesson 4, the student ID server: the server speaks first, asks a question, prints the answer.
//!
//! For each client it sends `What's your student ID?` and a newline, receives the answer (what a
//! single `recv(1000)` returns), prints it in capital letters and closes the connection. It
//! ports the TCP example of a course's TA slides: port 7000, and `listen(0)`, for which we
//! write `listen(1)` (see `BACKLOG`).
//!
//! Run it with `cargo run --bin id-server`, then `cargo run --bin id-client` in a second
//! terminal. The walkthrough is `lessons/04-uppercase.md`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::show::show_bytes;
use netlesson::{ServerOptions, Traced, log};

/// id-server's port, from the TA slides.
const PORT: u16 = 7000;

/// The question, ended by a newline so that the client knows where it ends.
const QUESTION: &str = "What's your student ID?\n";

/// The most bytes we take in one receive, like the original's `recv(1000)`.
const BUFFER_SIZE: usize = 1000;

// ANCHOR: backlog
/// How many connections may wait while we serve one client. The slides call `listen(0)`,
/// which reads as "no queue", but a backlog is only a hint: Linux lets backlog + 1
/// connections wait, so 0 still queues a client. We ask for 1, like the uppercase server,
/// rather than write a 0 that does not mean what it says.
const BACKLOG: i32 = 1;
// ANCHOR_END: backlog

/// Lesson 4's student ID server: asks each client for its student ID and prints the answer.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    server: ServerOptions,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

fn run(options: &Options) -> Result<()> {
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    netlesson::announce(&listener)?;
    netlesson::serve(&listener, &options.server, ask_for_id)?;
    Ok(())
}

// ANCHOR: ask
/// Asks `client` for its student ID and prints the answer in capital letters.
fn ask_for_id(client: &mut Traced<TcpStream>, address: SocketAddr) -> Result<()> {
    // The server speaks first: the client waits for the question before it can answer.
    client
        .write_all(QUESTION.as_bytes())
        .context("could not send the question")?;

    // recv(1000): the answer is whatever the first receive returns, as in the slides. Our
    // client closes right after its answer, so we could read until the close instead; one
    // receive keeps the slides' protocol, and is fragile for the same reason as uppercase.
    let mut buffer = [0u8; BUFFER_SIZE];
    let received = client
        .read(&mut buffer)
        .context("could not receive the answer")?;
    let data = &buffer[..received];
    if data.is_empty() {
        bail!("closed the connection without answering");
    }

    // decode('utf-8'), then upper(): decode first, so that every letter can become a capital.
    let Ok(answer) = std::str::from_utf8(data) else {
        bail!(
            "answered with data that is not UTF-8 text: {}",
            show_bytes(data)
        );
    };
    log!("Student ID from {address}: {:?}", answer.to_uppercase());
    Ok(())
} // <- `serve` closes the connection when we return.
// ANCHOR_END: ask
