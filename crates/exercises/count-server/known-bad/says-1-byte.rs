//! A known-bad count-server, kept to prove that `cargo exercise check count-server` catches
//! its mistake: it replies `1 byte` for one byte, in good English and against the protocol.
//!
//! mistake: replies `1 byte` for one byte, in good English and against the protocol
//! caught by: one-byte

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
    // The mistake: the protocol keeps `bytes` even for 1.
    let unit = if count == 1 { "byte" } else { "bytes" };
    client.write_all(format!("{count} {unit}\n").as_bytes())?;
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
