//! Lesson 5, the experiment server: one client, one read, and what that read returned.
//!
//! Like the server of the Python tutorial ("Advanced Python Programming: TCP"), it accepts a
//! single client, calls `recv(1024)` exactly once, prints the bytes between colons
//! (`:HelloWorld:`) and exits. Run it, then `cargo run --bin stream-client -- --mode split` (or
//! `whole`, `silent`, `merged`) in a second terminal: what one read returns depends on how the
//! bytes arrived, not on how they were sent. The walkthrough is `lessons/05-framing.md`.

use std::io::Read;
use std::net::TcpStream;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::show::{hex, seconds};
use netlesson::{ServerOptions, Traced, log, parse_seconds, trace};

/// The port of lesson 5's servers, from the Advanced Python Programming tutorial.
const PORT: u16 = 8888;

/// The most bytes the one read takes, like the tutorial's `recv(1024)`.
const BUFFER_SIZE: usize = 1024;

/// Connections the operating system may queue, like the tutorial's `listen(1)`.
const BACKLOG: i32 = 1;

/// Lesson 5's experiment server: accepts ONE client, reads from it ONCE (at most 1024 bytes),
/// prints what that read returned between colons (`:HelloWorld:`), and exits. It always stops
/// after one client, like the tutorial's server: `--once` is implied.
#[derive(Parser)]
#[command(version)]
// --once is always on here: say so in --help instead of offering it as a choice.
#[command(mut_arg("once", |arg| arg.help("Does nothing: this server always exits after one client")))]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    server: ServerOptions,

    /// Seconds to stay busy after accepting the client, before the one read; whatever arrives
    /// meanwhile waits in the operating system's buffer (the `merged` experiment). Default: none
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    read_delay: Option<Duration>,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

fn run(options: &Options) -> Result<()> {
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    netlesson::announce(&listener)?;
    // One client, then exit, as the tutorial's server does.
    let mut one_client = options.server.clone();
    one_client.once = true;
    netlesson::serve(&listener, &one_client, |client, _peer| {
        read_once(client, options.read_delay)
    })?;
    Ok(())
}

// ANCHOR: read_once
/// Reads from `client` once, after being busy for `delay` (if any), and prints what arrived.
fn read_once(client: &mut Traced<TcpStream>, delay: Option<Duration>) -> Result<()> {
    if let Some(delay) = delay {
        // Busy with something else. The client's bytes keep arriving meanwhile: the
        // operating system stores them in this connection's receive buffer.
        trace!("sleep({}): busy, not reading yet", seconds(delay));
        thread::sleep(delay);
    }

    // recv(1024), exactly once: it waits until at least one byte is there, or until the
    // client closes (then it returns 0 bytes), and takes what is there, at most 1024 bytes.
    let mut buffer = [0u8; BUFFER_SIZE];
    let received = client.read(&mut buffer).context("could not receive")?;
    let data = &buffer[..received];

    let Ok(text) = std::str::from_utf8(data) else {
        bail!("sent data that is not UTF-8 text: {}", hex(data));
    };
    // Between colons, so that an empty read shows as `::`. `escape_debug` shows a newline
    // as \n, so that what `nc` sends stays on one line.
    log!(":{}:", text.escape_debug());
    Ok(())
}
// ANCHOR_END: read_once
