//! A known-bad greet-server, kept to prove that `cargo exercise check greet-server` catches
//! its mistake: it turns any bytes into text with from_utf8_lossy and replies.
//!
//! mistake: turns any bytes into text with from_utf8_lossy and replies
//! caught by: not-utf8

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
    // The mistake: bytes that are not UTF-8 become U+FFFD and still get a greeting.
    let message = String::from_utf8_lossy(&buffer[..received]);
    client.write_all(format!("Hello, {message}!").as_bytes())?;
    Ok(())
}
