//! A known-bad greet-server, kept to prove that `cargo exercise check greet-server` catches
//! its mistake: it looks at the first byte of the message, which panics when nothing arrived.
//!
//! mistake: looks at the message's first byte, which panics when nothing arrived
//! caught by: closes-at-once

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use netlesson::Traced;

fn main() -> ExitCode {
    exercises::serve(50001, greet)
}

fn greet(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    let mut buffer = [0u8; 1024];
    let received = client.read(&mut buffer).context("could not receive")?;
    // The mistake: with 0 bytes received there is no first byte, and indexing panics, which
    // stops the whole server.
    if buffer[..received][0] == 0xff {
        bail!("starts with 0xff");
    }
    let Ok(message) = std::str::from_utf8(&buffer[..received]) else {
        bail!("not UTF-8");
    };
    client.write_all(format!("Hello, {message}!").as_bytes())?;
    Ok(())
}
