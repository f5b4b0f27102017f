//! Lesson 7, the client: send one datagram, wait for the reply, and send again if none comes.
//!
//! It follows the UDP client of the TA slides (create a `SOCK_DGRAM` socket, `sendto` the
//! message, `recvfrom` the reply) and adds what UDP leaves to the program: a datagram or its
//! reply can be lost, so the client waits only `--timeout` for each reply and tries again,
//! up to `--retries` times. Start `udp-server` first. The walkthrough is `lessons/07-udp.md`.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::show::{count, seconds, show_bytes};
use netlesson::{ClientOptions, Traced, trace};
use socket2::{Domain, Protocol, Socket, Type};

/// udp-server's port, from the TA slides.
const PORT: u16 = 5005;

/// Room for the largest datagram, so that a reply is never cut (the original takes 1024).
const BUFFER_SIZE: usize = 65_536;

/// Lesson 7's client: sends one datagram to udp-server and prints the reply.
#[derive(Parser)]
#[command(version)]
// The TCP clients' --host, --timeout and --trace, with a shorter timeout that means something
// else: a UDP client does not give up when no reply comes, it sends again.
#[command(mut_arg("timeout", |arg| arg
    .default_value("1")
    .help("Seconds to wait for the reply before sending the message again")))]
struct Options {
    /// Port of the server (the one udp-server prints)
    #[arg(long, default_value_t = PORT, value_parser = server_port)]
    port: u16,

    #[command(flatten)]
    client: ClientOptions,

    /// The message to send, as one datagram
    #[arg(long, default_value = "Hello, UDP!")]
    message: String,

    /// How many times to send the message again when no reply comes in time (3 means at most
    /// 4 attempts)
    #[arg(long, value_name = "N", default_value_t = 3)]
    retries: u32,

    /// Connect the socket to the server first: then, when nothing listens on the server's
    /// port, the client learns it at once ("connection refused") instead of waiting
    #[arg(long)]
    connect: bool,
}

/// Parses `--port`: any port a server can have, so not 0.
fn server_port(text: &str) -> Result<u16, String> {
    let port: u16 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a port number (1 to 65535)"))?;
    if port == 0 {
        return Err(
            "0 is not a server's port (a server started with --port 0 prints the port it got \
             in its `listening on` line: give that one)"
                .into(),
        );
    }
    Ok(port)
}

/// What waiting for a reply came to.
enum Outcome {
    /// A datagram from the server.
    Reply(Vec<u8>),
    /// Nothing from the server within `--timeout`.
    NoReply,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.client.trace);
    netlesson::finish(run(&options), None)
}

fn run(options: &Options) -> Result<()> {
    let server = options.client.address(options.port)?;
    let socket = create_socket(server)?;
    if options.connect {
        // ANCHOR: connect
        // connect() on a UDP socket sends nothing: it only fixes the address that send() goes
        // to and that recv() accepts datagrams from. It also lets the operating system tell
        // us when the server's machine answers "nothing listens on that port".
        socket
            .connect(server)
            .with_context(|| format!("could not connect the socket to {server}"))?;
        // ANCHOR_END: connect
    }

    // ANCHOR: attempts
    let attempts = options.retries + 1;
    for attempt in 1..=attempts {
        send(&socket, server, options)?;
        let message = show_bytes(options.message.as_bytes());
        println!("Sent {message} to {server} (attempt {attempt} of {attempts})");
        match wait_for_reply(&socket, server, options)? {
            Outcome::Reply(reply) => {
                println!("Received {} from {server}", show_bytes(&reply));
                return Ok(());
            }
            // UDP does not resend anything: if the datagram or the reply was lost, only we
            // can send the message again.
            Outcome::NoReply => println!("No reply within {}", seconds(options.client.timeout)),
        }
    }
    bail!(
        "no reply from {server} after {} (is udp-server running there? datagrams may also \
         be lost on the way: try more --retries, or --connect to learn whether anything listens)",
        count(attempts as usize, "attempt")
    )
    // ANCHOR_END: attempts
}

/// Creates the client's UDP socket.
fn create_socket(server: SocketAddr) -> Result<Traced<UdpSocket>> {
    // ANCHOR: create
    // socket(AF_INET, SOCK_DGRAM), as the server does. There is no bind(): the first sendto
    // makes the operating system give the socket a free port, the address replies come back to.
    let socket = Socket::new(
        Domain::for_address(server),
        Type::DGRAM,
        Some(Protocol::UDP),
    )
    .context("could not create a UDP socket")?;
    trace!(
        "socket({:?}, SOCK_DGRAM) -> ok",
        Domain::for_address(server)
    );
    // ANCHOR_END: create
    Ok(Traced::new(UdpSocket::from(socket)))
}

// ANCHOR: send
/// Sends the message to the server as one datagram.
fn send(socket: &Traced<UdpSocket>, server: SocketAddr, options: &Options) -> Result<()> {
    let message = options.message.as_bytes();
    // sendto(MESSAGE.encode(), (UDP_IP, UDP_PORT)); a connected socket uses send(MESSAGE).
    let sent = match options.connect {
        true => socket.send(message),
        false => socket.send_to(message, server),
    };
    sent.map_err(|error| refused_or(error, server))
        .context("could not send the message")?;
    Ok(())
}
// ANCHOR_END: send

// ANCHOR: wait
/// Waits at most `--timeout` for a datagram from the server. Datagrams from anyone else
/// (anyone can send to our port) are shown and ignored.
fn wait_for_reply(
    socket: &Traced<UdpSocket>,
    server: SocketAddr,
    options: &Options,
) -> Result<Outcome> {
    let deadline = Instant::now() + options.client.timeout;
    let mut buffer = vec![0u8; BUFFER_SIZE];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Outcome::NoReply);
        }
        socket.get_ref().set_read_timeout(Some(left))?;
        // recvfrom(65536): the next datagram, and who sent it (recv: only from the server).
        let received = match options.connect {
            true => socket.recv(&mut buffer).map(|size| (size, server)),
            false => socket.recv_from(&mut buffer),
        };
        match received {
            Ok((size, sender)) if sender == server => {
                return Ok(Outcome::Reply(buffer[..size].to_vec()));
            }
            Ok((size, sender)) => {
                println!(
                    "Ignored {} from {sender}: not the server",
                    count(size, "byte")
                );
            }
            // The read timeout expired: nothing came.
            Err(error) if is_timeout(&error) => return Ok(Outcome::NoReply),
            Err(error) => {
                return Err(refused_or(error, server)).context("could not receive the reply");
            }
        }
    }
}
// ANCHOR_END: wait

fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Explains "connection refused", which on UDP means: the server's machine answered (with an
/// ICMP "port unreachable" message) that nothing listens on that port.
fn refused_or(error: io::Error, server: SocketAddr) -> anyhow::Error {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => anyhow::anyhow!(
            "connection refused: the machine at {} answered that nothing listens on UDP port {} \
             (is udp-server running?)",
            server.ip(),
            server.port()
        ),
        _ => error.into(),
    }
}
