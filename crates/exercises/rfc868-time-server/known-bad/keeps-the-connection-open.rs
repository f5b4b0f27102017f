//! A known-bad rfc868-time-server, kept to prove that `cargo exercise check rfc868-time-server`
//! catches its mistake: it sends the time, then waits for the client to close, as lesson 3's echo loop does.
//!
//! mistake: sends the time, then waits for the client to close
//! caught by: sends-the-time

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use netlesson::Traced;

fn main() -> ExitCode {
    exercises::serve(3737, send_time)
}

fn send_time(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    let since_1970 = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let since_1900 = (since_1970 + 2_208_988_800) as u32;
    client
        .write_all(&since_1900.to_be_bytes())
        .context("could not send")?;
    // The mistake: the client is the one to wait for the close, not the server.
    let mut buffer = [0u8; 1024];
    while client.read(&mut buffer).context("could not receive")? > 0 {}
    Ok(())
}
