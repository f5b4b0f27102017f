//! Lesson 3, the server: an echo server. It sends every byte a client sends straight back.
//!
//! For each client it receives whatever has arrived (at most 1024 bytes at a time, like the
//! Python original's `recv(1024)`), sends it back at once, and repeats until the client closes
//! its side of the connection; then it closes too and serves the next client. It never looks
//! at what the bytes mean, so any bytes work: text, images, random noise.
//!
//! Run it with `cargo run --bin echo-server`, then `cargo run --bin echo-client` in a second
//! terminal. The walkthrough is `lessons/03-echo.md`.

use std::io::Read;
use std::net::TcpStream;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use netlesson::framing::send_all;
use netlesson::show::count;
use netlesson::{ServerOptions, Traced, log};

/// echo-server's port, from the bogotobogo tutorial.
const PORT: u16 = 12345;

/// How many connections the operating system may queue while we serve one client, like the
/// original's `listen(1)`.
const BACKLOG: i32 = 1;

/// Lesson 3's server: sends back every byte each client sends, until the client closes.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    server: ServerOptions,

    /// The most bytes to take in one receive (the original: 1024). Larger buffers mean fewer
    /// receives and sends for the same data; `just bench-echo` measures the difference
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = 1024,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=16 << 20)
    )]
    buffer_size: usize,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

// ANCHOR: run
fn run(options: &Options) -> Result<()> {
    // socket, SO_REUSEADDR, bind, listen(1): lesson 1 made these calls one by one.
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    netlesson::announce(&listener)?;

    // The accept loop of lesson 1, as a helper: accept a client, call us, report how it
    // ended, serve the next one.
    netlesson::serve(&listener, &options.server, |client, peer| {
        let echoed = echo(client, options)?;
        log!("echoed {} to {peer}", count(echoed, "byte"));
        Ok(())
    })?;
    Ok(())
}
// ANCHOR_END: run

// ANCHOR: echo
/// Sends every byte `client` sends straight back, until the client closes its side.
/// Returns how many bytes were echoed.
fn echo(client: &mut Traced<TcpStream>, options: &Options) -> Result<usize> {
    let mut buffer = vec![0u8; options.buffer_size];
    let mut echoed = 0;
    loop {
        // recv(1024): wait for some bytes, then take what has arrived, up to the buffer's size.
        let received = client
            .read(&mut buffer)
            .with_context(|| format!("echoed {}, then could not receive", count(echoed, "byte")))?;

        // 0 bytes: the client closed its side (close, or shutdown for writing). Everything it
        // sent has already gone back, so we are done; the connection closes when we return.
        if received == 0 {
            return Ok(echoed);
        }

        // sendall(data): send this piece back now, before reading the next one. A client that
        // waits for its echo before sending more would otherwise wait forever. `send_all` is
        // `write_all` that says when a send timed out because the client stopped reading.
        send_all(client, &buffer[..received])
            .with_context(|| format!("echoed {}, then could not send", count(echoed, "byte")))?;
        echoed += received;
    }
}
// ANCHOR_END: echo
