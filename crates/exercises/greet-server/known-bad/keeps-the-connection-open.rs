//! A known-bad greet-server, kept to prove that `cargo exercise check greet-server` catches
//! its mistake: it replies, then waits for more instead of closing.
//!
//! mistake: replies, then waits for more instead of closing
//! caught by: answers-one-client

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
    if received == 0 {
        bail!("sent nothing");
    }
    let Ok(message) = std::str::from_utf8(&buffer[..received]) else {
        bail!("not UTF-8");
    };
    client.write_all(format!("Hello, {message}!").as_bytes())?;
    // The mistake: it keeps reading until the client closes, instead of closing itself.
    while client.read(&mut buffer)? > 0 {}
    Ok(())
}
