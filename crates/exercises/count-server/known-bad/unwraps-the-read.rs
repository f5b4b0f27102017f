//! A known-bad count-server, kept to prove that `cargo exercise check count-server` catches
//! its mistake: it unwraps the result of read, so a client that resets crashes the whole server.
//!
//! mistake: unwraps the result of read, so a client that resets crashes the server
//! caught by: resets

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result};
use netlesson::Traced;

fn main() -> ExitCode {
    exercises::serve(12346, count_and_reply)
}

fn count_and_reply(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    let mut buffer = [0u8; 1024];
    let mut count = 0;
    loop {
        // The mistake: a reset connection makes read fail, and unwrap turns that into a
        // panic, which stops the server for every client.
        #[allow(clippy::unwrap_used)]
        let received = client.read(&mut buffer).unwrap();
        if received == 0 {
            break;
        }
        count += received;
    }
    client
        .write_all(format!("{count} bytes\n").as_bytes())
        .context("could not send")?;
    Ok(())
}
