//! Lesson 5: string-server sends back every length-prefixed string it receives.
//!
//! Each message on the wire is its length in bytes as 8 ASCII digits, then the bytes:
//! `00000005Hello`. That is the format of the Python tutorial's `send_string` and
//! `read_string` ("Advanced Python Programming: TCP"), so the tutorial's helpers talk to this
//! server. However the bytes arrive (one at a time, or several messages in one packet), the
//! server sees exactly the messages that were sent. The walkthrough is `lessons/05-framing.md`.

use std::net::TcpStream;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use netlesson::framing::{read_string, send_string};
use netlesson::show::show_bytes;
use netlesson::{ServerOptions, Traced, log};

/// The port of lesson 5's servers, from the Advanced Python Programming tutorial.
const PORT: u16 = 8888;

/// The largest message we accept by default (`--max-bytes`): a bigger one is refused before
/// it is stored, so a peer cannot make us use unbounded memory.
const MAX_BYTES: usize = 64 * 1024;

/// Connections the operating system may queue while the server is busy with a client.
const BACKLOG: i32 = 5;

/// Lesson 5's string server: receives length-prefixed strings (`00000005Hello`) and sends
/// each one back the same way, until the client closes the connection.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    server: ServerOptions,

    /// The largest message, in bytes, accepted from the other side; anything bigger is refused
    #[arg(long, value_name = "BYTES", default_value_t = MAX_BYTES)]
    max_bytes: usize,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

fn run(options: &Options) -> Result<()> {
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    netlesson::announce(&listener)?;
    let max_bytes = options.max_bytes;
    netlesson::serve(&listener, &options.server, |client, _peer| {
        echo_strings(client, max_bytes)
    })?;
    Ok(())
}

// ANCHOR: echo_strings
/// Reads strings from `client` and sends each one back, until the client closes.
fn echo_strings(client: &mut Traced<TcpStream>, max_bytes: usize) -> Result<()> {
    // `read_string` returns None when the client closed the connection between two messages:
    // the normal end. A connection that closes in the middle of a message, a header that is
    // not 8 digits, a message over --max-bytes or bytes that are not UTF-8 are errors: the
    // server reports them in one line and closes this connection.
    while let Some(text) = read_string(client, max_bytes).context("could not receive a string")? {
        // show_bytes cuts a long message short: a 60 kB line helps nobody.
        log!("received {}", show_bytes(text.as_bytes()));
        send_string(client, &text).context("could not send the reply")?;
    }
    Ok(())
}
// ANCHOR_END: echo_strings
