//! Lesson 5: string-client sends length-prefixed strings to string-server and prints each
//! reply.
//!
//! Every `--message` goes out as its length in 8 ASCII digits followed by its UTF-8 bytes
//! (`00000005Hello`), the format of the Python tutorial's `send_string`; every reply is read
//! back with `read_string`. Start `string-server` first. The walkthrough is
//! `lessons/05-framing.md`.

use std::net::TcpStream;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use netlesson::framing::{read_string, send_string};
use netlesson::show::show_bytes;
use netlesson::{ClientOptions, Limit, Traced};

/// The port of lesson 5's servers, from the Advanced Python Programming tutorial.
const PORT: u16 = 8888;

/// The largest message we accept by default (`--max-bytes`): a bigger one is refused before
/// it is stored, so a peer cannot make us use unbounded memory.
const MAX_BYTES: usize = 64 * 1024;

/// Lesson 5's string client: sends each message as a length-prefixed string to string-server
/// and prints each reply.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port of the server
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    client: ClientOptions,

    /// A message to send; repeat the option to send several, one after another
    #[arg(long = "message", value_name = "TEXT", default_values = ["Hello", "World"])]
    messages: Vec<String>,

    /// The largest message, in bytes, accepted from the other side; anything bigger is refused
    #[arg(long, value_name = "BYTES", default_value_t = MAX_BYTES)]
    max_bytes: usize,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.client.trace);
    let timeout = Limit::timeout(options.client.timeout);
    netlesson::finish(run(&options), Some(timeout))
}

fn run(options: &Options) -> Result<()> {
    let mut server = netlesson::connect(&options.client, options.port, "string-server")?;
    println!("connected to {}", server.get_ref().peer_addr()?);
    for message in &options.messages {
        let reply = exchange(&mut server, message, options.max_bytes)?;
        println!("received {}", show_bytes(reply.as_bytes()));
    }
    Ok(())
}

/// Sends `message` as a length-prefixed string and reads the reply the same way.
fn exchange(server: &mut Traced<TcpStream>, message: &str, max_bytes: usize) -> Result<String> {
    send_string(server, message).context("could not send the message")?;
    // The header send_string wrote: the message's length in bytes (not characters).
    println!(
        "sent {} (header {:08})",
        show_bytes(message.as_bytes()),
        message.len()
    );
    read_string(server, max_bytes)
        .context("could not receive the reply")?
        .context("the server closed the connection without replying")
}
