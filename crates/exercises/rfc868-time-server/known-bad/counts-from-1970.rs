//! A known-bad rfc868-time-server, kept to prove that `cargo exercise check rfc868-time-server`
//! catches its mistake: it sends Unix time, counted from 1970 instead of 1900.
//!
//! mistake: sends Unix time, the seconds since 1970, not since 1900
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
    // The mistake: the seconds since 1970, without the 70 years from 1900.
    let since_1970 = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as u32;
    client
        .write_all(&since_1970.to_be_bytes())
        .context("could not send")?;
    Ok(())
}
