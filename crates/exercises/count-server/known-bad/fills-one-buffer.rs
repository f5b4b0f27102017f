//! A known-bad count-server, kept to prove that `cargo exercise check count-server` catches
//! its mistake: it collects the bytes in one fixed 64 KiB buffer and stops when it is full.
//!
//! mistake: collects the bytes in one 64 KiB buffer and stops when it is full
//! caught by: large

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result};
use netlesson::Traced;

fn main() -> ExitCode {
    exercises::serve(12346, count_and_reply)
}

fn count_and_reply(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    // The mistake: once the buffer is full, `read` gets an empty slice and returns 0, which
    // looks like the end of the stream.
    let mut buffer = vec![0u8; 64 * 1024];
    let mut filled = 0;
    loop {
        let received = client
            .read(&mut buffer[filled..])
            .context("could not receive")?;
        if received == 0 {
            break;
        }
        filled += received;
    }
    client.write_all(format!("{filled} bytes\n").as_bytes())?;
    Ok(())
}
