//! The other side of a test: what a client under test talks to. [`fake_server`] is a server
//! of the test's own, for checking what a client does when its server misbehaves;
//! [`ClosedPort`] a port where nothing listens; [`silent_listener`] one that never accepts.
//! (The client a test drives by hand is [`crate::client::Conn`].)

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};

use anyhow::{Context, Result};

use crate::procs::STEP_TIMEOUT;

/// A port on 127.0.0.1 where nothing listens, for TCP and for UDP, reserved for as long as
/// this value lives.
///
/// For TCP, the port is bound by a socket that never listens: connecting to it is refused,
/// exactly as when no program uses the port. For UDP, the same port number is bound by a
/// socket *connected to itself*: a connected UDP socket only takes datagrams from the address
/// it is connected to, so a datagram from anyone else finds no socket, and the kernel answers
/// "port unreachable" (a connected client sees "connection refused"), exactly as when no
/// program uses the port. Meanwhile no other program (nor another test running in parallel)
/// can take the port. Simply binding port 0 and closing again would leave a window in which
/// the operating system hands the same port to someone else.
#[derive(Debug)]
pub struct ClosedPort {
    port: u16,
    _reserved: socket2::Socket,
    _reserved_udp: std::net::UdpSocket,
}

impl ClosedPort {
    /// Reserves a port that is free for both TCP and UDP.
    pub fn new() -> Result<ClosedPort> {
        let address: SocketAddr = "127.0.0.1:0".parse()?;
        let mut last_error = None;
        // The TCP port the system picks may be in use for UDP: then try another.
        for _ in 0..20 {
            let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
            socket.bind(&address.into())?;
            let port = socket
                .local_addr()?
                .as_socket()
                .context("a bound IPv4 socket has an address")?
                .port();
            match reserve_udp(port) {
                Ok(udp) => {
                    return Ok(ClosedPort {
                        port,
                        _reserved: socket,
                        _reserved_udp: udp,
                    });
                }
                Err(error) => last_error = Some(error),
            }
        }
        Err(last_error.map_or_else(
            || anyhow::anyhow!("no port free for both TCP and UDP"),
            anyhow::Error::from,
        ))
    }

    /// The port number.
    pub fn port(&self) -> u16 {
        self.port
    }
}

/// Binds UDP `port` on 127.0.0.1 with a socket connected to itself (see [`ClosedPort`]).
fn reserve_udp(port: u16) -> std::io::Result<std::net::UdpSocket> {
    let socket = std::net::UdpSocket::bind(("127.0.0.1", port))?;
    socket.connect(("127.0.0.1", port))?;
    Ok(socket)
}

/// A listener on 127.0.0.1 that never accepts: connections to it succeed (the kernel queues
/// them) but nothing is ever read or answered. It also makes its port busy for servers.
pub fn silent_listener() -> Result<TcpListener> {
    Ok(TcpListener::bind("127.0.0.1:0")?)
}

/// A server of the test's own, for testing a client: listens on 127.0.0.1 (port 0), accepts
/// one connection on a thread, gives it read and write timeouts of [`STEP_TIMEOUT`] and hands
/// it to `talk`, which plays the server's part (sends a time in two pieces, never stops
/// sending, closes early, ...).
///
/// Returns the address to point the client at, and the thread: `join` it to get what `talk`
/// returned, and to fail the test if `talk` panicked (a check in it failed) or no client came.
pub fn fake_server<T: Send + 'static>(
    talk: impl FnOnce(TcpStream) -> T + Send + 'static,
) -> Result<(SocketAddr, JoinHandle<T>)> {
    let listener = TcpListener::bind("127.0.0.1:0").context("could not bind a fake server")?;
    let address = listener.local_addr()?;
    let thread = thread::spawn(move || {
        let (stream, _) = listener
            .accept()
            .expect("the fake server should accept a client");
        stream
            .set_read_timeout(Some(STEP_TIMEOUT))
            .and_then(|()| stream.set_write_timeout(Some(STEP_TIMEOUT)))
            .expect("the fake server should set its timeouts");
        talk(stream)
    });
    Ok((address, thread))
}

/// `count` bytes that look random, the same on every run (xorshift from a fixed seed): every
/// value 0..=255 appears, and most of it is not UTF-8. For checking that data comes through
/// byte for byte.
pub fn random_bytes(count: usize) -> Vec<u8> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    (0..count)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect()
}
