//! Exercise `count-server` (lesson 3), the reference solution. Try it yourself first: your
//! file is `crates/exercises/count-server/count-server.rs`.
//!
//! For each client: receive until it half-closes (a read returns 0 bytes), reply
//! `<N> bytes\n` with N the number of bytes received (always `bytes`, even for 1), close.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result};
use netlesson::Traced;

/// The port count-server listens on unless `--port` says otherwise.
const PORT: u16 = 12346;

/// The most bytes one receive takes, as in lesson 3.
const BUFFER_SIZE: usize = 1024;

fn main() -> ExitCode {
    exercises::serve(PORT, count_and_reply)
}

/// Counts what `client` sends until it half-closes, then replies `<N> bytes\n`.
fn count_and_reply(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    let count = count_until_half_close(client)?;
    send_count(client, count)
}

/// Receives until the client has finished sending; returns how many bytes arrived.
fn count_until_half_close(client: &mut Traced<TcpStream>) -> Result<usize> {
    // One buffer, used again for every read: we only count, so nothing is kept, and a client
    // can send gigabytes without the server's memory growing. (Collecting the bytes in a Vec
    // to take its length would work too, until a client sends more than the machine holds.)
    let mut buffer = [0u8; BUFFER_SIZE];
    let mut count = 0;
    loop {
        // A read returns what has arrived so far: 1 byte or a full buffer, never "the
        // message". Only 0 means the end: the client has half-closed.
        let received = client
            .read(&mut buffer)
            .with_context(|| format!("could not receive after {count} bytes"))?;
        if received == 0 {
            return Ok(count);
        }
        count += received;
    }
}

/// Sends the one reply line, `<count> bytes\n`.
fn send_count(client: &mut Traced<TcpStream>, count: usize) -> Result<()> {
    // Always `bytes`: a fixed format is easier for a program to read than good English.
    let reply = format!("{count} bytes\n");
    client
        .write_all(reply.as_bytes())
        .context("could not send the count")?;
    Ok(())
}
