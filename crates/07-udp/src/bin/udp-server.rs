//! Lesson 7, the server: UDP, where every message is a datagram of its own.
//!
//! It binds a UDP socket and then, datagram after datagram, prints who sent it and how many
//! bytes it had, and replies `data received` to the sender, as the UDP server of the TA slides
//! does (`--reply upper` sends the datagram back in capital letters instead, as the UDP server
//! of Kurose & Ross does). There is no `listen` and no `accept`: UDP has no connections.
//!
//! Run it with `cargo run --bin udp-server`, then `cargo run --bin udp-client` in a second
//! terminal. The walkthrough is `lessons/07-udp.md`.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, ValueEnum};
use netlesson::show::{count, explain_io, show_bytes};
use netlesson::{Traced, log, trace};
use socket2::{Domain, Protocol, Socket, Type};

/// udp-server's port, from the TA slides.
const PORT: u16 = 5005;

/// Room for the largest datagram UDP can carry (65 507 bytes of data over IPv4, 65 527 over
/// IPv6): a peek into a buffer this big is never cut.
const MAX_DATAGRAM: usize = 65_536;

/// The original's reply to every datagram.
const DATA_RECEIVED: &[u8] = b"data received";

/// Lesson 7's server: answers every UDP datagram it receives.
// Not netlesson's ServerOptions: --idle-timeout and --client-deadline are about connections,
// and UDP has none.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (every network interface,
    /// so other machines can send to it), ::1 (IPv6), or a host name
    #[arg(long, default_value = "127.0.0.1")]
    host: String,

    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    /// Answer a single datagram, then exit (the server normally answers datagrams until you
    /// press Ctrl-C)
    #[arg(long)]
    once: bool,

    /// The most bytes kept of one datagram, like the original's recvfrom(1024): the rest of a
    /// longer datagram is lost (and the server says so)
    #[arg(long, value_name = "BYTES", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..=MAX_DATAGRAM as i64))]
    buffer_size: u32,

    /// What to send back: the original's fixed `data received`, or the datagram in capital
    /// letters (`upper`)
    #[arg(long, value_enum, default_value_t = Reply::DataReceived)]
    reply: Reply,

    /// Print every socket call and its result to stderr
    #[arg(long)]
    trace: bool,
}

/// The server's answer to a datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Reply {
    /// `data received`, whatever the datagram held
    DataReceived,
    /// the datagram's text in capital letters
    Upper,
}

/// One received datagram: the bytes that fit in the buffer, its real length, and its sender.
struct Datagram<'a> {
    data: &'a [u8],
    length: usize,
    sender: SocketAddr,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.trace);
    netlesson::finish(run(&options), None)
}

fn run(options: &Options) -> Result<()> {
    let socket = create_socket(options)?;
    netlesson::announce_udp(&socket)?;
    let socket = Traced::new(socket);
    let mut buffer = vec![0u8; options.buffer_size as usize];
    // ANCHOR: loop
    loop {
        // No accept(): there is no connection to accept. The socket receives datagrams from
        // anyone, one at a time, and each one says who sent it.
        match receive(&socket, &mut buffer) {
            Ok(datagram) => answer(&socket, &datagram, options),
            // Rare, but one bad datagram must not stop the server either: say so, go on.
            Err(error) => log!("receive failed: {}", explain_io(&error)),
        }
        if options.once {
            return Ok(());
        }
    }
    // ANCHOR_END: loop
}

/// Creates the socket and binds it, one call per step of the Python original.
fn create_socket(options: &Options) -> Result<UdpSocket> {
    let address = netlesson::resolve(&options.host, options.port)?;
    let failed = |source| netlesson::Error::Bind { address, source };

    // ANCHOR: create
    // socket(AF_INET, SOCK_DGRAM): a UDP socket. Lesson 1 asked for Type::STREAM (TCP, a
    // stream of bytes); Type::DGRAM asks for datagrams: separate messages, each on its own.
    let socket = Socket::new(
        Domain::for_address(address),
        Type::DGRAM,
        Some(Protocol::UDP),
    )
    .map_err(failed)?;
    trace!(
        "socket({:?}, SOCK_DGRAM) -> ok",
        Domain::for_address(address)
    );
    // ANCHOR_END: create

    // ANCHOR: bind
    // bind((UDP_IP, UDP_PORT)): claim the port that clients send their datagrams to.
    // No SO_REUSEADDR, unlike our TCP servers: a stopped UDP server leaves nothing behind
    // (no TIME_WAIT), so a restart never needs it, and with it a second copy of this server
    // could bind the same port too and silently take every datagram away from the first.
    socket.bind(&address.into()).map_err(failed)?;
    trace!("bind({address}) -> ok");
    // ANCHOR_END: bind

    // No listen(): a bound UDP socket receives datagrams at once.
    Ok(UdpSocket::from(socket))
}

// ANCHOR: receive
/// Waits for the next datagram and takes at most `buffer.len()` bytes of it, as the original's
/// `recvfrom(1024)` does, but also finds out how long the datagram really was.
fn receive<'b>(socket: &Traced<UdpSocket>, buffer: &'b mut [u8]) -> io::Result<Datagram<'b>> {
    // recvfrom cuts a datagram that is longer than the buffer, throws the rest away, and
    // does not say so. So first *peek*: look at the datagram without taking it from the queue,
    // with room for the largest possible one. The count it returns is the real length.
    let mut room = vec![0u8; MAX_DATAGRAM];
    let (length, _) = socket.peek_from(&mut room)?;

    // recvfrom(1024): take the datagram (the same one: only this program reads the socket).
    let (kept, sender) = socket.recv_from(buffer)?;
    Ok(Datagram {
        data: &buffer[..kept],
        length,
        sender,
    })
}
// ANCHOR_END: receive

// ANCHOR: answer
/// Prints one line about `datagram` and sends the reply to its sender.
fn answer(socket: &Traced<UdpSocket>, datagram: &Datagram, options: &Options) {
    log!("{}", describe(datagram, options.buffer_size));
    let sender = datagram.sender;
    let reply = match options.reply {
        // sendto(b'data received', addr): the same reply to everything, even an empty datagram.
        Reply::DataReceived => DATA_RECEIVED.to_vec(),
        Reply::Upper => match std::str::from_utf8(datagram.data) {
            Ok(text) => text.to_uppercase().into_bytes(),
            Err(_) => {
                log!("No reply to {sender}: bytes that are not UTF-8 text have no capitals");
                return;
            }
        },
    };
    // There is no connection to send on: every reply names its destination.
    match socket.send_to(&reply, sender) {
        Ok(_) => log!("Sent {} to {sender}", show_bytes(&reply)),
        Err(error) => log!("could not reply to {sender}: {}", explain_io(&error)),
    }
}
// ANCHOR_END: answer

// ANCHOR: describe
/// One line about a datagram: its size, its sender, and its bytes, including the odd ones.
fn describe(datagram: &Datagram, buffer_size: u32) -> String {
    let Datagram {
        data,
        length,
        sender,
    } = datagram;
    let received = format!("Received {} from {sender}", count(*length, "byte"));
    if data.is_empty() {
        // Not "the client closed the connection", as 0 bytes meant in TCP: there is none.
        return format!("{received}: an empty datagram");
    }
    let bytes = match std::str::from_utf8(data) {
        Ok(_) => show_bytes(data),
        Err(_) => format!("{} (not UTF-8 text)", show_bytes(data)),
    };
    if *length > data.len() {
        return format!(
            "{received}, cut to the first {buffer_size} (--buffer-size {buffer_size}): {bytes}"
        );
    }
    format!("{received}: {bytes}")
}
// ANCHOR_END: describe
