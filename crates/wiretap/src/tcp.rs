//! `wiretap tcp`: forwards TCP connections and shows what crosses them.
//!
//! For each client that connects, wiretap opens its own connection to the server and starts
//! two pumps: one copies client->server, the other server->client. A pump reads what has
//! arrived, prints it, and writes it on, optionally cut into pieces (`--chunk`), slowed down
//! (`--delay`) or gathered into one write (`--coalesce`). So there are two TCP connections,
//! and the server sees wiretap's address, not the client's.
//!
//! What TCP does at the end of a connection is passed on too: when one side finishes sending
//! (its `read` returns 0 bytes), wiretap shuts down writing towards the other side, which then
//! reads end of stream, while the other direction keeps flowing (a *half-close*). When one side
//! resets the connection, wiretap resets the other side's connection.
//!
//! Each connection has a thread (two while both directions flow), so many clients are served
//! at once, and one broken connection never stops the others. So that clients cannot tie up
//! threads for ever, every phase of a connection is bounded: the connect to the server by
//! `--connect-timeout` (and `--idle-timeout`), then a connection on which nothing moves for
//! `--idle-timeout` is closed; a client beyond `--max-connections` open at once is refused.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Args;
use netlesson::show::explain_io as explain;

use crate::{Common, as_typed, either, is_timeout, log};

/// How many connections the operating system may queue while wiretap starts the last one.
const BACKLOG: i32 = 128;

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

    /// Wait this long before sending each piece, in seconds (0.02, or 20ms); with --chunk, the
    /// pieces of one read leave this far apart
    #[arg(long, value_name = "SECONDS", value_parser = netlesson::parse_seconds,
          conflicts_with = "delay_ms")]
    pub delay: Option<Duration>,

    /// The same as --delay, in milliseconds
    #[arg(long, value_name = "N")]
    pub delay_ms: Option<u64>,

    /// After the first byte arrives, keep gathering for this long, in seconds (0.1, or
    /// 100ms), then send everything with one write: separate writes arrive as one
    #[arg(long, value_name = "SECONDS", value_parser = netlesson::parse_seconds,
          conflicts_with = "coalesce_ms")]
    pub coalesce: Option<Duration>,

    /// The same as --coalesce, in milliseconds
    #[arg(long, value_name = "N")]
    pub coalesce_ms: Option<u64>,

    /// Forward a single connection, then exit when it has closed
    #[arg(long)]
    pub once: bool,

    /// Seconds after which a connection on which nothing moved either way is closed (the wait
    /// for the server to take the connection counts too: see --connect-timeout)
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = netlesson::parse_seconds)]
    pub idle_timeout: Duration,

    /// Seconds to wait for the server to take each connection (at most --idle-timeout): a
    /// server that is not there, or busy with one client at a time and its queue full, does
    /// not answer at all, and the client is then reset
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = netlesson::parse_seconds)]
    pub connect_timeout: Duration,

    /// The most connections forwarded at once; a client beyond them is refused (reset)
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
}

impl Options {
    /// How long to wait for the server to take a connection: `--connect-timeout`, but never
    /// longer than `--idle-timeout`, since nothing moves while we wait.
    fn connect_wait(&self) -> Duration {
        self.connect_timeout.min(self.idle_timeout)
    }

    /// `--delay` (or `--delay-ms`): zero when neither was given.
    fn delay(&self) -> Duration {
        either(self.delay, self.delay_ms)
    }

    /// `--coalesce` (or `--coalesce-ms`): zero when neither was given.
    fn coalesce(&self) -> Duration {
        either(self.coalesce, self.coalesce_ms)
    }

    /// The options that change what is forwarded, as typed: ` with --chunk 1 --delay-ms 5`,
    /// or ` with --delay 5ms`.
    fn disturbances(&self) -> String {
        let mut text = String::new();
        if let Some(chunk) = self.chunk {
            text.push_str(&format!(" --chunk {chunk}"));
        }
        text.push_str(&as_typed("delay", self.delay, self.delay_ms));
        text.push_str(&as_typed("coalesce", self.coalesce, self.coalesce_ms));
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
    // How many connections are being forwarded right now (each thread counts itself out).
    let open = Arc::new(AtomicUsize::new(0));
    for number in 1.. {
        // After a failed accept (out of file descriptors, say), this pauses and tries again,
        // saying so once, as every server of the course does.
        let (client, peer) = netlesson::server::accept(listener);
        let max = options.max_connections as usize;
        if open.load(Ordering::SeqCst) >= max {
            log::line(&format!(
                "#{number} refused: client {peer}: already {} open, the limit \
                 (--max-connections); resetting it",
                netlesson::show::count(max, "connection")
            ));
            let _ = reset(&client);
            continue;
        }
        let counted = Counted::new(&open);
        if options.once {
            forward_connection(number, client, peer, options, counted);
            return Ok(());
        }
        let options = options.clone();
        let spawned = thread::Builder::new()
            .name(format!("connection {number}"))
            .spawn(move || forward_connection(number, client, peer, &options, counted));
        if let Err(error) = spawned {
            log::line(&format!(
                "#{number} failed: could not start a thread: {error}"
            ));
        }
    }
    Ok(())
}
// ANCHOR_END: accept

/// One open connection in the count of `--max-connections`: counted in when made, out when
/// dropped (however its thread ends).
struct Counted(Arc<AtomicUsize>);

impl Counted {
    fn new(open: &Arc<AtomicUsize>) -> Counted {
        open.fetch_add(1, Ordering::SeqCst);
        Counted(Arc::clone(open))
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One client's connection and wiretap's connection to the server for it.
struct Connection<'a> {
    number: u64,
    start: Instant,
    client: TcpStream,
    server: TcpStream,
    options: &'a Options,
    /// Set once one side has reset or failed, or the connection was idle for too long: the
    /// pumps stop without passing on an end.
    broken: AtomicBool,
    /// When bytes last moved, either way: for `--idle-timeout`.
    last_active: Mutex<Instant>,
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
    /// Nothing moved either way for `--idle-timeout`.
    Idle,
}

/// Forwards one client's connection until both directions have ended. `counted` is its place
/// in the count of open connections, given back at the end.
fn forward_connection(
    number: u64,
    client: TcpStream,
    peer: SocketAddr,
    options: &Options,
    counted: Counted,
) {
    let start = Instant::now();
    let to = options.common.to;
    // The first phase of the connection: the client waits while we connect, so this wait is
    // bounded too (a one-at-a-time server with a full queue never answers our SYN).
    let wait = options.connect_wait();
    let server = match TcpStream::connect_timeout(&to, wait) {
        Ok(server) => server,
        Err(source) => {
            let error = netlesson::Error::Connect {
                address: to,
                server: "the server".into(),
                timeout: wait,
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
    // A receiver that stops reading makes our write wait: give up after --idle-timeout.
    // (Reads get their time limit in `receive`, from the time of the last activity.)
    for socket in [&client, &server] {
        let _ = socket.set_write_timeout(Some(options.idle_timeout));
    }
    let connection = Connection {
        number,
        start,
        client,
        server,
        options,
        broken: AtomicBool::new(false),
        last_active: Mutex::new(Instant::now()),
    };
    let (sent_by_client, sent_by_server) = connection.pump_both_ways();
    // Both sockets are closed here (with a reset if `reset` set SO_LINGER to 0 on one), and
    // there is room for another client, before the log says so.
    drop(connection);
    drop(counted);
    log::line(&format!(
        "#{number} closed {} (client sent {}, server sent {})",
        log::since(start),
        netlesson::show::count(sent_by_client, "byte"),
        netlesson::show::count(sent_by_server, "byte"),
    ));
}

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
                Next::Idle => {
                    self.close_idle();
                    return received;
                }
            }
        }
    }
    // ANCHOR_END: pump

    /// Reads what has arrived. With `--coalesce`, keeps reading for that long after the first
    /// bytes, so that what the sender wrote in several writes goes on as one.
    fn receive(&self, mut from: &TcpStream, buffer: &mut [u8]) -> (usize, Next) {
        let first = loop {
            // Wait at most until the connection has been idle for --idle-timeout: bytes
            // moving the other way count as activity too.
            let left = self.options.idle_timeout.saturating_sub(self.idle_for());
            if left.is_zero() {
                return (0, Next::Idle);
            }
            let _ = from.set_read_timeout(Some(left));
            match read(&mut from, buffer) {
                Ok(0) => return (0, Next::End),
                Ok(count) => break count,
                Err(error) if is_timeout(&error) => continue,
                Err(error) => return (0, Next::Failed(error)),
            }
        };
        self.touch();
        let coalesce = self.options.coalesce();
        if coalesce.is_zero() {
            return (first, Next::More);
        }
        // ANCHOR: coalesce
        let deadline = Instant::now() + coalesce;
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
        // ANCHOR_END: coalesce
        self.touch();
        (filled, next)
    }

    /// Notes that bytes moved just now.
    fn touch(&self) {
        *self
            .last_active
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    /// How long since bytes last moved, either way.
    fn idle_for(&self) -> Duration {
        let last_active = *self
            .last_active
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        last_active.elapsed()
    }

    // ANCHOR: send
    /// Sends `data` on, in pieces of at most `--chunk` bytes, waiting `--delay` before each,
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
            if !self.options.delay().is_zero() {
                thread::sleep(self.options.delay());
            }
            self.log(direction, &log::show(piece, self.options.common.view()));
            to.write_all(piece).map_err(|error| (piece.len(), error))?;
            self.touch();
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

    /// Nothing moved either way for `--idle-timeout`: says so once (both pumps may notice) and
    /// closes both connections normally, which ends both pumps.
    fn close_idle(&self) {
        if self.broken.swap(true, Ordering::SeqCst) {
            return;
        }
        log::line(&format!(
            "#{} idle for {} (--idle-timeout): closing both connections",
            self.number,
            netlesson::show::seconds(self.options.idle_timeout)
        ));
        for socket in [&self.client, &self.server] {
            let _ = socket.shutdown(Shutdown::Both);
        }
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
