//! Exercise `greet-server` (lesson 1), the reference solution. Try it yourself first: your file
//! is `crates/exercises/greet-server/greet-server.rs`.
//!
//! For each client: receive one message (one read of at most 1024 bytes), reply
//! `Hello, <message>!`, close. A message that is not UTF-8 gets no reply.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use netlesson::Traced;

/// The port greet-server listens on unless `--port` says otherwise.
const PORT: u16 = 50001;

/// The most bytes one receive takes, as in lesson 1.
const BUFFER_SIZE: usize = 1024;

fn main() -> ExitCode {
    exercises::serve(PORT, greet)
}

/// Receives one message from `client` and replies `Hello, <message>!`. The connection closes
/// when this returns.
fn greet(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    let mut buffer = [0u8; BUFFER_SIZE];
    let received = client.read(&mut buffer).context("could not receive")?;
    if received == 0 {
        bail!("closed the connection without sending anything");
    }
    let Ok(message) = std::str::from_utf8(&buffer[..received]) else {
        bail!("sent bytes that are not UTF-8 text: no reply");
    };
    let reply = format!("Hello, {message}!");
    client
        .write_all(reply.as_bytes())
        .context("could not send the reply")?;
    Ok(())
}
