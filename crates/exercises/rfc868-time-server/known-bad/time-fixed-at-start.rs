//! A known-bad rfc868-time-server, kept to prove that `cargo exercise check rfc868-time-server`
//! catches its mistake: it works out the time once, when it starts, and sends that to every client.
//!
//! mistake: works out the time once, when it starts, and sends it to every client
//! caught by: one-after-another

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use netlesson::Traced;

fn main() -> ExitCode {
    // The mistake: the time is read here, once, instead of when each client connects.
    let since_1970 = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_secs(),
        Err(_) => return ExitCode::FAILURE,
    };
    let time = ((since_1970 + 2_208_988_800) as u32).to_be_bytes();
    exercises::serve(
        3737,
        move |client: &mut Traced<TcpStream>, _: SocketAddr| {
            client.write_all(&time).context("could not send")?;
            Ok(())
        },
    )
}
