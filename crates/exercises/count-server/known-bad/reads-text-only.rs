//! A known-bad count-server, kept to prove that `cargo exercise check count-server` catches
//! its mistake: it reads into a String, so bytes that are not UTF-8 get no reply.
//!
//! mistake: reads into a String, so bytes that are not UTF-8 get no reply
//! caught by: not-utf8

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result};
use netlesson::Traced;

fn main() -> ExitCode {
    exercises::serve(12346, count_and_reply)
}

fn count_and_reply(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    // The mistake: read_to_string fails on bytes that are not UTF-8 text.
    let mut text = String::new();
    client
        .read_to_string(&mut text)
        .context("could not receive")?;
    client.write_all(format!("{} bytes\n", text.len()).as_bytes())?;
    Ok(())
}
