//! A known-bad rfc868-time-server, kept to prove that `cargo exercise check rfc868-time-server`
//! catches its mistake: it sends the right 4 bytes in the wrong order (little-endian).
//!
//! mistake: sends the right 4 bytes in the wrong order (to_le_bytes)
//! caught by: sends-the-time

use std::io::Write;
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
    // The mistake: least significant byte first.
    client
        .write_all(&since_1900.to_le_bytes())
        .context("could not send")?;
    Ok(())
}
