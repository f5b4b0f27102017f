//! Exercise `udp-pinger` (lesson 7), the reference solution. Try it yourself first: your file
//! is `crates/exercises/udp-pinger/udp-pinger.rs`.
//!
//! Sends `Ping 1` to `Ping N` from one UDP socket, waits at most `--timeout` for each reply
//! (`PING N`, the ping in capitals), prints the round trip of each, then the loss and the
//! minimum, mean and maximum round trip.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
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
    // socket(SOCK_DGRAM) and bind to port 0 in one call: the operating system picks the port
    // that the replies come back to. The address must be of the server's kind.
    let local: SocketAddr = match server {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    UdpSocket::bind(local).context("could not create a UDP socket")
}

/// Sends ping `number` and waits for its reply, at most `options.timeout` from the send.
/// Returns the round trip, or `None` when no reply came in time.
fn ping(socket: &UdpSocket, options: &PingerOptions, number: u32) -> Result<Option<Duration>> {
    let expected = format!("PING {number}");
    let sent_at = Instant::now();
    socket
        .send_to(format!("Ping {number}").as_bytes(), options.server)
        .context("could not send a ping")?;
    // One deadline for this ping: a stray datagram that we ignore must not give the reply
    // more time.
    let deadline = sent_at + options.timeout;
    let mut buffer = [0u8; BUFFER_SIZE];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        socket.set_read_timeout(Some(left))?;
        match socket.recv_from(&mut buffer) {
            // Only `PING N` from the server is this ping's reply. A late reply to an earlier
            // ping, a copy, or someone else's datagram is not: wait on. Comparing bytes works
            // for any datagram, text or not.
            Ok((size, sender))
                if sender == options.server && buffer[..size] == *expected.as_bytes() =>
            {
                return Ok(Some(sent_at.elapsed()));
            }
            Ok(_) => continue,
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Ok(None);
            }
            Err(error) => return Err(error).context("could not receive a reply"),
        }
    }
}

/// Prints `S sent, R received, L% loss` and, if any reply came, the round trips' minimum,
/// mean and maximum.
fn print_summary(sent: u32, round_trips: &[Duration]) {
    let received = round_trips.len() as u32;
    // Whole numbers, rounded down, as the output format says.
    let loss = (sent - received) * 100 / sent;
    println!("{sent} sent, {received} received, {loss}% loss");
    // With no reply there is no minimum, and a mean would divide by zero: no line.
    let (Some(min), Some(max)) = (round_trips.iter().min(), round_trips.iter().max()) else {
        return;
    };
    let mean = round_trips.iter().sum::<Duration>() / received;
    println!(
        "rtt min/avg/max = {}/{}/{} ms",
        milliseconds(*min),
        milliseconds(mean),
        milliseconds(*max)
    );
}
