//! A known-bad rfc868-time-server, kept to prove that `cargo exercise check rfc868-time-server`
//! catches its mistake: it sends the number as decimal text, as lesson 2 sends its time.
//!
//! mistake: sends the number's digits as a line of text
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
    // The mistake: the digits of the number, as a line of text, not the number's 4 bytes.
    let line = format!("{}\r\n", since_1970 + 2_208_988_800);
    client
        .write_all(line.as_bytes())
        .context("could not send")?;
    Ok(())
}
