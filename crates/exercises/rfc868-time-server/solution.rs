//! Exercise `rfc868-time-server` (lesson 2), the reference solution. Try it yourself first:
//! your file is `crates/exercises/rfc868-time-server/rfc868-time-server.rs`.
//!
//! RFC 868, the Time Protocol: as soon as a client connects, send the seconds since
//! 1900-01-01 00:00 UTC as 4 bytes, most significant first, then close. Read nothing.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use netlesson::Traced;

/// The port rfc868-time-server listens on unless `--port` says otherwise. (RFC 868's own port
/// is 37, but ports below 1024 need administrator rights on most systems.)
const PORT: u16 = 3737;

/// The seconds from 1900-01-01 00:00 UTC, where RFC 868 counts from, to 1970-01-01 00:00 UTC,
/// where the computer's clock (Unix time) counts from: 70 years, 17 of them leap years.
const SECONDS_FROM_1900_TO_1970: u64 = (70 * 365 + 17) * 24 * 60 * 60;

fn main() -> ExitCode {
    exercises::serve(PORT, send_time)
}

/// Sends the time to one client as RFC 868 says. `serve` closes the connection when this
/// returns.
fn send_time(client: &mut Traced<TcpStream>, _address: SocketAddr) -> Result<()> {
    // The server speaks first, and only once: no read at all, as in lesson 2.
    // `to_be_bytes` puts the most significant byte first (big-endian, "network byte order").
    // `to_le_bytes` would send the same 4 bytes backwards, and `to_ne_bytes` the machine's
    // own order, which is little-endian on most computers: both wrong on the wire.
    let time = seconds_since_1900()?.to_be_bytes();
    client.write_all(&time).context("could not send the time")?;
    Ok(())
}

/// The seconds since 1900-01-01 00:00 UTC, now, as RFC 868's 32-bit number.
fn seconds_since_1900() -> Result<u32> {
    // SystemTime is UTC: the time zone only matters when a time is shown to a person.
    let since_1970 = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("the system clock is set before 1970")?
        .as_secs();
    let since_1900 = since_1970 + SECONDS_FROM_1900_TO_1970;
    // `as u32` keeps the low 32 bits. They run out on 2036-02-07 06:28:16 UTC, when the count
    // starts again from 0, and a client must know which era it is in. (NTP counts the same
    // seconds since 1900 in 32 bits and meets the same limit; RFC 5905 numbers the eras.)
    Ok(since_1900 as u32)
}
