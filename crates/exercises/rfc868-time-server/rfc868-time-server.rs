//! Exercise `rfc868-time-server` (lesson 2): a time server that speaks the Internet's own time
//! protocol, RFC 868, so that any RFC 868 client in the world can ask it for the time.
//!
//! The task: as soon as a client connects, send it the time, then close the connection. As in
//! lesson 2, the server speaks first and reads nothing: connecting is the client's whole
//! question. But where lesson 2 sends a line of text, RFC 868 sends a number, in binary:
//!
//! - the number of seconds since 1900-01-01 00:00 UTC (not 1970: RFC 868 is older than Unix
//!   time). The RFC's own example: 2,208,988,800 is 1970-01-01 00:00 UTC;
//! - as exactly 4 bytes, an unsigned 32-bit number, most significant byte first
//!   ("big-endian", the order of most Internet protocols). 32 bits run out on 2036-02-07
//!   06:28:16 UTC, when the count starts again from 0: send the low 32 bits;
//! - then the server closes the connection, and serves the next client.
//!
//! An example exchange, on 2026-11-28 at 18:27:21 UTC, which is 4,004,879,241 seconds after
//! 1900-01-01 00:00 UTC, or ee b5 9b 89 in hexadecimal:
//!
//! ```text
//! client sends:   nothing (it connects)
//! server sends:   ee b5 9b 89          (4 bytes, then it closes the connection)
//! ```
//!
//! Everything around your part is done: `exercises::serve` reads the options (`--port`,
//! default 3737; `--host`; `--idle-timeout`), listens, prints `listening on <ip>:<port>` and
//! calls `send_time` for each client, one after another.
//!
//! - Run it:    `cargo run -p exercises --bin rfc868-time-server`, then in a second terminal
//!   `nc 127.0.0.1 3737 </dev/null | od -An -tx1` shows the 4 bytes in hexadecimal, and
//!   `printf '%08x\n' $(( $(date +%s) + 2208988800 ))` what they should be.
//! - Check it:  `cargo exercise check rfc868-time-server`
//! - Stuck?     `cargo exercise hint rfc868-time-server`; the lesson: `lessons/02-time-server.md`,
//!   section "Exercise: rfc868-time-server".

// Until you write the `todo!()`s below, some imports and variables are unused: this line keeps
// the compiler from warning about them. You may delete it once your server passes.
#![allow(unused_imports, unused_variables, dead_code)]

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use netlesson::Traced;

/// The port rfc868-time-server listens on unless `--port` says otherwise. (RFC 868's own port
/// is 37, but ports below 1024 need administrator rights on most systems.)
const PORT: u16 = 3737;

fn main() -> ExitCode {
    exercises::serve(PORT, send_time)
}

/// Sends the time to one client as RFC 868 says. The connection closes when this returns; an
/// error you return is printed as one line, and the server goes on.
fn send_time(client: &mut Traced<TcpStream>, address: SocketAddr) -> Result<()> {
    // TODO (lesson 2, "3. Speak first"): send the 4 bytes of `seconds_since_1900()`, most
    // significant first, and nothing else; read nothing.
    todo!("send the time as 4 bytes, big-endian")
}

/// The seconds since 1900-01-01 00:00 UTC, now, as RFC 868's 32-bit number.
fn seconds_since_1900() -> Result<u32> {
    // TODO (lessons/rust-you-need.md, "Time and numbers as bytes"): `SystemTime::now()` knows
    // the time since UNIX_EPOCH (1970-01-01 00:00 UTC); RFC 868 counts from 1900.
    todo!("the seconds since 1900-01-01 00:00 UTC")
}
