//! Lesson 2, the server: a server that speaks first.
//!
//! Each client that connects gets the current local time as one line of ASCII text, in the
//! layout of C's `ctime` (`Wed Jan 29 19:14:15 2014`) followed by CRLF; then the server closes
//! the connection. It never reads anything: in this conversation the client has nothing to say.
//! It ports the time server of the bogotobogo tutorial: port 9999, `listen(5)`.
//!
//! Run it with `cargo run --bin time-server`, then `cargo run --bin time-client` in a second
//! terminal. The walkthrough is `lessons/02-time-server.md`.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::{Context, Result, ensure};
use chrono::Local;
use clap::Parser;
use netlesson::{ServerOptions, Traced, log};

/// time-server's port, from the bogotobogo tutorial.
const PORT: u16 = 9999;

/// How many connections the operating system may queue while we serve one client, like the
/// original's `listen(5)`.
const BACKLOG: i32 = 5;

/// C's `ctime` layout: weekday, month, day of the month padded with a space (`%e`, so the 1st
/// is ` 1`), time of day, year. `Wed Jan 29 19:14:15 2014`.
const CTIME_LAYOUT: &str = "%a %b %e %H:%M:%S %Y";

/// Lesson 2's server: sends each client the current time, then closes the connection.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    server: ServerOptions,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

fn run(options: &Options) -> Result<()> {
    // ANCHOR: listen
    // socket(), setsockopt(SO_REUSEADDR), bind((host, 9999)), listen(5): lesson 1's four
    // steps in one call.
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    netlesson::announce(&listener)?;
    // ANCHOR_END: listen

    // ANCHOR: serve
    // The accept loop of lesson 1: accept a client, call `send_time`, close, repeat. A client
    // that causes an error gets one line on stdout, and the loop goes on.
    netlesson::serve(&listener, &options.server, send_time)?;
    Ok(())
    // ANCHOR_END: serve
}

// ANCHOR: send_time
/// Sends the current time to one client. `serve` closes the connection when this returns.
fn send_time(client: &mut Traced<TcpStream>, address: SocketAddr) -> Result<()> {
    // The server speaks first: it sends without waiting to receive anything.
    let line = format!("{}\r\n", current_time());

    // encode('ascii'): a Rust string is UTF-8, and the UTF-8 bytes of ASCII text are exactly
    // its ASCII bytes. Python's encode('ascii') fails on any other character; so do we.
    ensure!(line.is_ascii(), "the time {line:?} is not ASCII text");
    client
        .write_all(line.as_bytes())
        .context("could not send the time")?;
    log!("Sent {line:?} to {address}");
    Ok(())
}
// ANCHOR_END: send_time

// ANCHOR: current_time
/// The local time now, as C's `ctime` (and Python's `time.ctime()`) writes it.
fn current_time() -> String {
    // chrono's month and day names are always English, whatever the machine's language.
    Local::now().format(CTIME_LAYOUT).to_string()
}
// ANCHOR_END: current_time

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::CTIME_LAYOUT;

    #[test]
    fn ctime_layout_matches_the_tutorial_and_pads_the_day_with_a_space() {
        let time = |day, hour, minute, second| {
            NaiveDate::from_ymd_opt(2014, 1, day)
                .and_then(|date| date.and_hms_opt(hour, minute, second))
                .expect("a valid date")
        };
        let seed = time(29, 19, 14, 15).format(CTIME_LAYOUT).to_string();
        assert_eq!(seed, "Wed Jan 29 19:14:15 2014");
        let early = time(5, 7, 3, 9).format(CTIME_LAYOUT).to_string();
        assert_eq!(early, "Sun Jan  5 07:03:09 2014");
    }
}
