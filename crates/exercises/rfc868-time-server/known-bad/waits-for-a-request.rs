//! A known-bad rfc868-time-server, kept to prove that `cargo exercise check rfc868-time-server`
//! catches its mistake: like lesson 1's server, it waits to receive a request before it answers.
//!
//! mistake: reads before it answers, as lesson 1's server does, and RFC 868's client sends nothing
//! caught by: sends-the-time

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use netlesson::Traced;

fn main() -> ExitCode {
    exercises::serve(3737, send_time)
}

fn send_time(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    // The mistake: RFC 868's clients send nothing, so this waits until --idle-timeout.
    let mut request = [0u8; 1024];
    if client.read(&mut request).context("could not receive")? == 0 {
        bail!("sent no request");
    }
    let since_1970 = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let since_1900 = (since_1970 + 2_208_988_800) as u32;
    client
        .write_all(&since_1900.to_be_bytes())
        .context("could not send")?;
    Ok(())
}
