//! Exercise `udp-pinger` (lesson 7): measure round trips over UDP, and count what is lost.
//!
//! The task: a client, after the classic exercise of Kurose and Ross. From one UDP socket,
//! send `--count` pings (default 10) to the server at `--host` (default 127.0.0.1) and
//! `--port` (default 5005), one after another. Ping number N is one datagram holding exactly
//! the text `Ping N`. The server, `udp-server --reply upper`, sends each datagram back in
//! capitals, so the reply to ping N is exactly `PING N`.
//!
//! After sending ping N, wait at most `--timeout` seconds (default 1; decimals allowed, such
//! as 0.2) for its reply. Anything else that arrives meanwhile is not its reply: a late reply
//! to an earlier ping, a second copy of a reply, bytes that are not text. Ignore it and go on
//! waiting, until the same deadline. Then go on to the next ping.
//!
//! An example exchange, for ping 3:
//!
//! ```text
//! pinger sends:   Ping 3
//! server replies: PING 3
//! ```
//!
//! Print exactly these lines (the checker compares every one):
//!
//! - one line per ping, in order: `Ping N: reply in T ms`, where T is the round trip (from just
//!   before the send to the reply's arrival) in milliseconds with exactly three decimals
//!   (`0.153`); or `Ping N: timed out`;
//! - then `S sent, R received, L% loss`, where L = (S - R) * 100 / S in whole numbers, rounded
//!   down (1 lost of 3 is `33% loss`);
//! - then, if at least one reply came, `rtt min/avg/max = MIN/AVG/MAX ms`: the shortest, the
//!   mean and the longest round trip, three decimals each. With no reply at all, no such line.
//!
//! ```text
//! Ping 1: reply in 0.153 ms
//! Ping 2: timed out
//! Ping 3: reply in 0.098 ms
//! 3 sent, 2 received, 33% loss
//! rtt min/avg/max = 0.098/0.126/0.153 ms
//! ```
//!
//! Lost pings are results, not errors: the pinger exits with status 0. Only when it cannot run
//! at all (no socket, say) does it print `error: ...` and exit with 1 (return an error).
//!
//! Everything around your part is done: `exercises::run_pinger` reads the options and calls
//! `ping_all` with them; `ping_all` prints the line of each ping.
//!
//! - Run it:    `cargo run --bin udp-server -- --reply upper`, then in a second terminal
//!   `cargo run -p exercises --bin udp-pinger`. Through a network that loses datagrams, with
//!   wiretap in a third terminal (start it again before each run: the losses it picks are
//!   those of the first client it hears from):
//!   `cargo run --bin wiretap -- udp --listen 127.0.0.1:5006 --to 127.0.0.1:5005 --drop 0.3 --seed 3`
//!   and `cargo run -p exercises --bin udp-pinger -- --port 5006`: pings 2, 6 and 8 are lost.
//! - Check it:  `cargo exercise check udp-pinger`
//! - Stuck?     `cargo exercise hint udp-pinger`; the lesson: `lessons/07-udp.md`, section
//!   "Exercise: udp-pinger".

// Until you write the `todo!()`s below, some imports and variables are unused: this line keeps
// the compiler from warning about them. You may delete it once your pinger passes.
#![allow(unused_imports, unused_variables, dead_code)]

use std::io::ErrorKind;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use exercises::PingerOptions;

/// The port of udp-server, where the pings go unless `--port` says otherwise.
const SERVER_PORT: u16 = 5005;

/// Room for any reply: a longer datagram would be cut to this size.
const BUFFER_SIZE: usize = 1024;

fn main() -> ExitCode {
    exercises::run_pinger(SERVER_PORT, ping_all)
}

/// Sends the pings one after another and prints a line for each, then the summary.
fn ping_all(options: &PingerOptions) -> Result<()> {
    let socket = create_socket(options.server)?;
    let mut round_trips = Vec::new();
    for number in 1..=options.count {
        match ping(&socket, options, number)? {
            Some(round_trip) => {
                println!("Ping {number}: reply in {} ms", milliseconds(round_trip));
                round_trips.push(round_trip);
            }
            None => println!("Ping {number}: timed out"),
        }
    }
    print_summary(options.count, &round_trips);
    Ok(())
}

/// A duration as the output shows it: milliseconds with three decimals (`0.153`).
fn milliseconds(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64() * 1000.0)
}

/// Creates the pinger's UDP socket, on a free port of this machine.
fn create_socket(server: SocketAddr) -> Result<UdpSocket> {
    // TODO (lesson 7, "The client, step by step"): a UDP socket of the server's kind (IPv4 or
    // IPv6). `UdpSocket::bind` with port 0 creates and binds it in one call: bind
    // `(Ipv4Addr::UNSPECIFIED, 0)` for an IPv4 server, `(Ipv6Addr::UNSPECIFIED, 0)` for IPv6.
    todo!("create a UDP socket")
}

/// Sends ping `number` and waits for its reply, at most `options.timeout` from the send.
/// Returns the round trip, or `None` when no reply came in time.
fn ping(socket: &UdpSocket, options: &PingerOptions, number: u32) -> Result<Option<Duration>> {
    // TODO (lesson 7, "The client, step by step"): note the time, send `Ping N` to
    // `options.server`, then receive until the deadline, as udp-client's `wait_for_reply`
    // does; only a datagram that is exactly `PING N` is the reply (compare bytes: a datagram
    // need not be text). A timeout is not an error: return `Ok(None)`.
    todo!("send one ping and wait for its reply")
}

/// Prints `S sent, R received, L% loss` and, if any reply came, the round trips' minimum,
/// mean and maximum.
fn print_summary(sent: u32, round_trips: &[Duration]) {
    // TODO (lesson 7, "Exercise: udp-pinger"): the last lines of the output, exactly as the
    // top of this file shows them; format each time with `milliseconds`.
    todo!("print the summary")
}
