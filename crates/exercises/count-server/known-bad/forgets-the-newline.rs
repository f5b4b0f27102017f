//! A known-bad count-server, kept to prove that `cargo exercise check count-server` catches
//! its mistake: its reply has no newline at the end.
//!
//! mistake: replies `12 bytes` without the `\n`
//! caught by: counts-one-client

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result};
use netlesson::Traced;

fn main() -> ExitCode {
    exercises::serve(12346, count_and_reply)
}

fn count_and_reply(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    let count = count_until_half_close(client)?;
    // The mistake: no `\n` at the end of the line.
    client.write_all(format!("{count} bytes").as_bytes())?;
    Ok(())
}

fn count_until_half_close(client: &mut Traced<TcpStream>) -> Result<usize> {
    let mut buffer = [0u8; 1024];
    let mut count = 0;
    loop {
        let received = client.read(&mut buffer).context("could not receive")?;
        if received == 0 {
            return Ok(count);
        }
        count += received;
    }
}
