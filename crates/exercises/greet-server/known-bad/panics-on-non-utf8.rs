//! A known-bad greet-server, kept to prove that `cargo exercise check greet-server` catches
//! its mistake: it calls expect on from_utf8, so bytes that are not UTF-8 crash the server.
//!
//! mistake: uses expect on from_utf8, so bytes that are not UTF-8 crash the server
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
    // The mistake: `expect` panics on bytes that are not UTF-8, which stops the whole server.
    let message = std::str::from_utf8(&buffer[..received]).expect("UTF-8 text");
    client.write_all(format!("Hello, {message}!").as_bytes())?;
    Ok(())
}
