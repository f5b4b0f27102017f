//! A known-bad count-server, kept to prove that `cargo exercise check count-server` catches
//! its mistake: it counts characters instead of bytes.
//!
//! mistake: counts the characters of the text, not the bytes
//! caught by: bytes-not-characters

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result};
use netlesson::Traced;

fn main() -> ExitCode {
    exercises::serve(12346, count_and_reply)
}

fn count_and_reply(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    let mut received = Vec::new();
    client
        .read_to_end(&mut received)
        .context("could not receive")?;
    // The mistake: characters, not bytes (`ë` is one character, two bytes).
    let count = String::from_utf8_lossy(&received).chars().count();
    client.write_all(format!("{count} bytes\n").as_bytes())?;
    Ok(())
}
