//! Lesson 1, the client: connect, send one message, print the reply, close.
//!
//! It follows the Python original (Tutorial 5) call by call: create and connect with a 5 second
//! timeout, send `Hello Server!`, receive up to 1024 bytes, close. Start `simple-server` first.
//! The walkthrough is `lessons/01-simple-server.md`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::show::{explain_io, show_bytes};
use netlesson::{ClientOptions, Limit, Traced, trace};

/// simple-server's port, from the Python original (Tutorial 5).
const PORT: u16 = 50000;

/// The most bytes we take in one receive, like the original's `recv(1024)`.
const BUFFER_SIZE: usize = 1024;

/// Lesson 1's client: sends one message to simple-server and prints what comes back.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port of the server
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    client: ClientOptions,

    /// The message to send
    #[arg(long, default_value = "Hello Server!")]
    message: String,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.client.trace);
    let timeout = Limit::timeout(options.client.timeout);
    netlesson::finish(run(&options), Some(timeout))
}

fn run(options: &Options) -> Result<()> {
    // ANCHOR: connect
    // socket() + settimeout(5) + connect((host, port)): `connect_timeout` creates the socket
    // and connects it, giving up after the timeout.
    let address = options.client.address(options.port)?;
    let timeout = options.client.timeout;
    let stream = match TcpStream::connect_timeout(&address, timeout) {
        Ok(stream) => stream,
        // Say which address, and what to do about it (netlesson::Error explains each error).
        Err(source) => {
            trace!("connect({address}) -> error: {}", explain_io(&source));
            let error = netlesson::Error::Connect {
                address,
                server: "simple-server".to_string(),
                timeout,
                source,
            };
            return Err(error.into());
        }
    };
    trace!("connect({address}) -> ok");
    // The timeout for connecting does not apply to reading: set it again for recv.
    stream.set_read_timeout(Some(timeout))?;
    println!("Connected to server at {address}");
    // ANCHOR_END: connect

    // ANCHOR: exchange
    let mut server = Traced::new(stream);

    // send(msg): our message, as UTF-8 bytes. `write_all` sends them all, like Python's sendall.
    server
        .write_all(options.message.as_bytes())
        .context("could not send the message")?;
    println!("Sent {:?}", options.message);

    // recv(1024): wait for the reply (at most `--timeout`), take up to 1024 bytes.
    let mut buffer = [0u8; BUFFER_SIZE];
    let received = server
        .read(&mut buffer)
        .context("no reply from the server")?;
    if received == 0 {
        bail!("the server closed the connection without replying");
    }
    println!("Received {}", show_bytes(&buffer[..received]));
    Ok(())
    // ANCHOR_END: exchange
} // <- `server` is dropped here, which closes the socket: Python's soc.close().
