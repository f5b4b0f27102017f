//! Lesson 4, the uppercase server: the client speaks first, the server answers and closes.
//!
//! For each client it receives one sentence (what a single `recv(2048)` returns), sends it back
//! in capital letters (all of Unicode: `straße` becomes `STRASSE`) and closes the connection.
//! It ports the TCP server of Kurose & Ross's *Computer Networking*: port 12000, `listen(1)`.
//!
//! Run it with `cargo run --bin uppercase-server`, then `cargo run --bin uppercase-client` in a
//! second terminal. The walkthrough is `lessons/04-uppercase.md`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::show::show_bytes;
use netlesson::{ServerOptions, Traced, log};

/// uppercase-server's port, from Kurose & Ross.
const PORT: u16 = 12000;

/// The most bytes we take in one receive, like the original's `recv(2048)`.
const BUFFER_SIZE: usize = 2048;

/// How many connections may wait while we serve one client, like the original's `listen(1)`.
const BACKLOG: i32 = 1;

/// Lesson 4's uppercase server: sends each client's sentence back in capital letters.
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
    netlesson::serve(&listener, &options.server, answer)?;
    Ok(())
}

// ANCHOR: answer
/// Receives one sentence from `client` and sends it back in capital letters.
fn answer(client: &mut Traced<TcpStream>, address: SocketAddr) -> Result<()> {
    // recv(2048): whatever has arrived so far. The original client sends its sentence without
    // a newline and then waits for the answer without closing, so there is no end marker to
    // wait for: we take what the first receive returns as the whole sentence.
    let mut buffer = [0u8; BUFFER_SIZE];
    let received = client.read(&mut buffer).context("could not receive")?;
    let data = &buffer[..received];
    if data.is_empty() {
        bail!("closed the connection without sending anything");
    }

    // decode(): bytes to text. Bytes that are not UTF-8 get one line, not a crash.
    let Ok(sentence) = std::str::from_utf8(data) else {
        bail!("sent data that is not UTF-8 text: {}", show_bytes(data));
    };
    log!("Received {sentence:?} from {address}");

    // upper(), then encode(). The capitals can have more characters, and more bytes, than the
    // sentence ("straße" becomes "STRASSE"): we send the new string's own bytes.
    let capitals = sentence.to_uppercase();
    client
        .write_all(capitals.as_bytes())
        .context("could not send the reply")?;
    log!("Sent {capitals:?} to {address}");
    Ok(())
} // <- `serve` closes the connection when we return: the client reads the end of the reply.
// ANCHOR_END: answer
