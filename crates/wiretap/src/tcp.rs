//! `wiretap tcp`: forwards TCP connections and shows what crosses them.
//!
//! For each client that connects, wiretap opens its own connection to the server and starts
//! two pumps: one copies client->server, the other server->client. A pump reads what has
//! arrived, prints it, and writes it on, optionally cut into pieces (`--chunk`), slowed down
//! (`--delay-ms`) or gathered into one write (`--coalesce-ms`). So there are two TCP
//! connections, and the server sees wiretap's address, not the client's.
//!
//! What TCP does at the end of a connection is passed on too: when one side finishes sending
//! (its `read` returns 0 bytes), wiretap shuts down writing towards the other side, which then
//! reads end of stream, while the other direction keeps flowing (a *half-close*). When one side
//! resets the connection, wiretap resets the other side's connection.
//!
//! Each connection has a thread (two while both directions flow), so many clients are served
//! at once, and one broken connection never stops the others.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Args;
use netlesson::show::explain_io as explain;

use crate::{Common, is_timeout, log};

/// How many connections the operating system may queue while wiretap starts the last one.
const BACKLOG: i32 = 128;

/// How long wiretap waits for the server to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The most bytes one read takes (and one `--coalesce-ms` write gathers).
const BUFFER_SIZE: usize = 64 * 1024;

/// Options of `wiretap tcp`.
#[derive(Debug, Clone, Args)]
pub struct Options {
    #[command(flatten)]
    pub common: Common,

    /// Send what arrives in pieces of at most N bytes, each with its own write (--chunk 1
    /// sends every byte on its own)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk: Option<u32>,

    /// Wait N milliseconds before sending each piece (with --chunk, the pieces of one read
    /// leave N milliseconds apart)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub delay_ms: u64,

    /// After the first byte arrives, keep gathering for N milliseconds, then send everything
    /// with one write: separate writes arrive as one
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub coalesce_ms: u64,

    /// Forward a single connection, then exit when it has closed
    #[arg(long)]
    pub once: bool,
}

impl Options {
    /// The options that change what is forwarded, as typed: ` with --chunk 1 --delay-ms 5`.
    fn disturbances(&self) -> String {
        let mut text = String::new();
        if let Some(chunk) = self.chunk {
            text.push_str(&format!(" --chunk {chunk}"));
        }
        if self.delay_ms > 0 {
            text.push_str(&format!(" --delay-ms {}", self.delay_ms));
        }
        if self.coalesce_ms > 0 {
            text.push_str(&format!(" --coalesce-ms {}", self.coalesce_ms));
        }
        match text.is_empty() {
            true => text,
            false => format!(" with{text}"),
        }
    }
}

/// Listens, then forwards every client's connection, each on a thread of its own.
pub fn run(options: &Options) -> Result<()> {
    let listener = netlesson::listen(options.common.listen, BACKLOG)?;
    netlesson::announce(&listener)?;
    log::line(&format!(
        "forwarding TCP to {}{}",
        options.common.to,
        options.disturbances()
    ));
    accept_loop(&listener, options)
}

// ANCHOR: accept
fn accept_loop(listener: &TcpListener, options: &Options) -> Result<()> {
    for number in 1.. {
        let (client, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(error) => {
                log::line(&format!("accept failed: {}", explain(&error)));
                // E.g. out of file descriptors: give the other connections time to end.
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        if options.once {
            forward_connection(number, client, peer, options);
            return Ok(());
        }
        let options = options.clone();
        let spawned = thread::Builder::new()
            .name(format!("connection {number}"))
            .spawn(move || forward_connection(number, client, peer, &options));
        if let Err(error) = spawned {
            log::line(&format!(
                "#{number} failed: could not start a thread: {error}"
            ));
        }
    }
    Ok(())
}
// ANCHOR_END: accept

/// One client's connection and wiretap's connection to the server for it.
struct Connection<'a> {
    number: u64,
    start: Instant,
    client: TcpStream,
    server: TcpStream,
    options: &'a Options,
    /// Set once one side has reset or failed: the pumps stop without passing on an end.
    broken: AtomicBool,
}

/// Which way bytes flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    ClientToServer,
    ServerToClient,
}

impl Direction {
    fn label(self) -> &'static str {
        match self {
            Direction::ClientToServer => "client->server",
            Direction::ServerToClient => "server->client",
        }
    }

    fn sender(self) -> &'static str {
        match self {
            Direction::ClientToServer => "client",
            Direction::ServerToClient => "server",
        }
    }

    fn receiver(self) -> &'static str {
        match self {
            Direction::ClientToServer => "server",
            Direction::ServerToClient => "client",
        }
    }
}

/// What a pump learned after reading.
enum Next {
    /// More may come.
    More,
    /// The sender finished sending (read returned 0 bytes).
    End,
    /// Reading failed, e.g. with "connection reset".
    Failed(io::Error),
}

fn forward_connection(number: u64, client: TcpStream, peer: SocketAddr, options: &Options) {
    let start = Instant::now();
    let to = options.common.to;
    let server = match TcpStream::connect_timeout(&to, CONNECT_TIMEOUT) {
        Ok(server) => server,
        Err(source) => {
            let error = netlesson::Error::Connect {
                address: to,
                server: "the server".into(),
                timeout: CONNECT_TIMEOUT,
                source,
            };
            log::line(&format!(
                "#{number} failed: {error}; resetting client {peer}"
            ));
            // A client connecting straight to a closed port would be refused with a reset:
            // the closest we can do, now that we have accepted it, is to reset it.
            let _ = reset(&client);
            return;
        }
    };
    let wiretap_side = server
        .local_addr()
        .map_or_else(|_| "?".to_string(), |address| address.to_string());
    log::line(&format!(
        "#{number} open: client {peer}, server {to} (wiretap's side {wiretap_side})"
    ));
    // ANCHOR: nodelay
    // Send every piece as soon as it is written, instead of letting Nagle's algorithm hold
    // small pieces back to merge them: --chunk 1 must really send 1-byte segments.
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    // ANCHOR_END: nodelay
    let connection = Connection {
        number,
        start,
        client,
        server,
        options,
        broken: AtomicBool::new(false),
    };
    let (sent_by_client, sent_by_server) = connection.pump_both_ways();
    log::line(&format!(
        "#{number} closed {} (client sent {}, server sent {})",
        log::since(start),
        netlesson::show::count(sent_by_client, "byte"),
        netlesson::show::count(sent_by_server, "byte"),
    ));
} // <- both sockets are closed here (with a reset if `reset` set SO_LINGER to 0 on one).

impl Connection<'_> {
    /// Runs both pumps until both directions have ended; returns the bytes each side sent.
    fn pump_both_ways(&self) -> (usize, usize) {
        thread::scope(|scope| {
            let back = thread::Builder::new()
                .name(format!("connection {} back", self.number))
                .spawn_scoped(scope, || self.pump(Direction::ServerToClient));
            let forth = self.pump(Direction::ClientToServer);
            let back = match back {
                Ok(back) => back.join().unwrap_or(0),
                Err(error) => {
                    self.log(Direction::ServerToClient, &format!("failed: {error}"));
                    0
                }
            };
            (forth, back)
        })
    }

    /// The socket a direction reads from and the one it writes to.
    fn ends(&self, direction: Direction) -> (&TcpStream, &TcpStream) {
        match direction {
            Direction::ClientToServer => (&self.client, &self.server),
            Direction::ServerToClient => (&self.server, &self.client),
        }
    }

    // ANCHOR: pump
    /// Copies one direction until it ends; returns how many bytes the sender sent.
    fn pump(&self, direction: Direction) -> usize {
        let (from, to) = self.ends(direction);
        let mut buffer = vec![0u8; BUFFER_SIZE];
        let mut received = 0;
        loop {
            let (count, next) = self.receive(from, &mut buffer);
            received += count;
            if let Err((piece, error)) = self.send(direction, to, &buffer[..count]) {
                self.send_failed(direction, piece, &error);
                return received;
            }
            match next {
                Next::More => {}
                Next::End => {
                    self.pass_on_end(direction, to);
                    return received;
                }
                Next::Failed(error) => {
                    self.receive_failed(direction, &error);
                    return received;
                }
            }
        }
    }
    // ANCHOR_END: pump

    /// Reads what has arrived. With `--coalesce-ms`, keeps reading for that long after the
    /// first bytes, so that what the sender wrote in several writes goes on as one.
    fn receive(&self, mut from: &TcpStream, buffer: &mut [u8]) -> (usize, Next) {
        let first = match read(&mut from, buffer) {
            Ok(0) => return (0, Next::End),
            Ok(count) => count,
            Err(error) => return (0, Next::Failed(error)),
        };
        if self.options.coalesce_ms == 0 {
            return (first, Next::More);
        }
        // ANCHOR: coalesce
        let deadline = Instant::now() + Duration::from_millis(self.options.coalesce_ms);
        let mut filled = first;
        let mut next = Next::More;
        while filled < buffer.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || from.set_read_timeout(Some(left)).is_err() {
                break;
            }
            match read(&mut from, &mut buffer[filled..]) {
                Ok(0) => {
                    next = Next::End;
                    break;
                }
                Ok(count) => filled += count,
                Err(error) if is_timeout(&error) => break,
                Err(error) => {
                    next = Next::Failed(error);
                    break;
                }
            }
        }
        let _ = from.set_read_timeout(None);
        // ANCHOR_END: coalesce
        (filled, next)
    }

    // ANCHOR: send
    /// Sends `data` on, in pieces of at most `--chunk` bytes, waiting `--delay-ms` before each,
    /// and prints each piece before it goes. On failure, returns the failed piece's size.
    fn send(
        &self,
        direction: Direction,
        mut to: &TcpStream,
        data: &[u8],
    ) -> Result<(), (usize, io::Error)> {
        let size = self
            .options
            .chunk
            .map_or(data.len(), |chunk| chunk as usize);
        for piece in data.chunks(size.max(1)) {
            if self.options.delay_ms > 0 {
                thread::sleep(Duration::from_millis(self.options.delay_ms));
            }
            self.log(direction, &log::show(piece, self.options.common.hex));
            to.write_all(piece).map_err(|error| (piece.len(), error))?;
        }
        Ok(())
    }
    // ANCHOR_END: send

    // ANCHOR: end
    /// The sender finished sending: say so to the receiver by shutting down our writing side
    /// towards it. It reads end of stream, and can still send to us: the other pump goes on.
    fn pass_on_end(&self, direction: Direction, to: &TcpStream) {
        if self.broken.load(Ordering::SeqCst) {
            return; // The 0 bytes came from our own shutdown after a reset: nothing to pass on.
        }
        let receiver = direction.receiver();
        self.log(
            direction,
            &format!("end (shutdown passed on to the {receiver})"),
        );
        match to.shutdown(Shutdown::Write) {
            Ok(()) => {}
            // The receiver's connection is already gone: it was reset (typically because data
            // arrived after its program had closed), so there is nothing left to shut down.
            Err(error) if error.kind() == io::ErrorKind::NotConnected => self.log(
                direction,
                &format!(
                    "failed: shutdown: the {receiver}'s connection is already gone (it was reset)"
                ),
            ),
            Err(error) => self.log(direction, &format!("failed: shutdown: {}", explain(&error))),
        }
    }
    // ANCHOR_END: end

    /// Reading from the sender failed: usually it reset the connection. Reset the receiver's
    /// connection too, as it would have been reset without wiretap in between.
    fn receive_failed(&self, direction: Direction, error: &io::Error) {
        let (sender, receiver) = (direction.sender(), direction.receiver());
        let event = match error.kind() {
            io::ErrorKind::ConnectionReset => format!("reset by the {sender}"),
            _ => format!(
                "failed: could not receive from the {sender}: {}",
                explain(error)
            ),
        };
        self.break_connection(
            direction,
            &format!("{event}; resetting the {receiver}'s connection"),
        );
    }

    /// Writing to the receiver failed: it is gone, so what the sender sends can no longer be
    /// delivered. Reset the sender's connection, as the receiver's system would have.
    fn send_failed(&self, direction: Direction, count: usize, error: &io::Error) {
        let (sender, receiver) = (direction.sender(), direction.receiver());
        let bytes = netlesson::show::count(count, "byte");
        self.break_connection(
            direction,
            &format!(
                "failed: could not send {bytes} to the {receiver}: {}; resetting the {sender}'s connection",
                explain(error)
            ),
        );
    }

    // ANCHOR: break
    /// Logs `event` once (the other pump may notice the same breakage), makes both sockets
    /// close with a reset, and wakes the other pump.
    fn break_connection(&self, direction: Direction, event: &str) {
        if self.broken.swap(true, Ordering::SeqCst) {
            return;
        }
        self.log(direction, event);
        for socket in [&self.client, &self.server] {
            let _ = reset(socket);
        }
    }
    // ANCHOR_END: break

    fn log(&self, direction: Direction, event: &str) {
        log::line(&format!(
            "#{} {} {} {event}",
            self.number,
            direction.label(),
            log::since(self.start)
        ));
    }
}

// ANCHOR: reset
/// Prepares `socket` to be closed with a reset (RST) instead of the normal goodbye (FIN):
/// `SO_LINGER` with a zero timeout means "on close, throw away what is unsent and reset".
/// It also shuts down reading, which wakes a pump waiting in `read` (it reads 0 bytes), so
/// that both pumps end and the socket is really closed.
fn reset(socket: &TcpStream) -> io::Result<()> {
    socket2::SockRef::from(socket).set_linger(Some(Duration::ZERO))?;
    socket.shutdown(Shutdown::Read)
}
// ANCHOR_END: reset

/// `read`, tried again when a signal interrupted it.
fn read(from: &mut &TcpStream, buffer: &mut [u8]) -> io::Result<usize> {
    loop {
        match from.read(buffer) {
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            result => return result,
        }
    }
}
