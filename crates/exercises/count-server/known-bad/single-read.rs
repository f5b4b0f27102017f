//! A known-bad count-server, kept to prove that `cargo exercise check count-server` catches
//! its mistake: it reads once, as lesson 1's server does, and counts only what that read returned.
//!
//! mistake: reads once, as lesson 1's server does, and counts what that read returned
//! caught by: bytewise

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result};
use netlesson::Traced;

fn main() -> ExitCode {
    exercises::serve(12346, count_and_reply)
}

fn count_and_reply(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    // The mistake: one read returns what has arrived so far, not the whole message.
    let mut buffer = [0u8; 1024];
    let count = client.read(&mut buffer).context("could not receive")?;
    client.write_all(format!("{count} bytes\n").as_bytes())?;
    Ok(())
}
