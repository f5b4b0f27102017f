//! `--trace`: print every socket call and its result, so you can see what crossed the wire.
//!
//! Tracing is one switch for the whole program ([`enable`]), because a program has one
//! `--trace` option. Trace lines go to stderr, prefixed with `trace: `, so they never mix with
//! the data a program prints on stdout:
//!
//! ```text
//! trace: accept() -> 127.0.0.1:51234
//! trace: recv(1024) -> 13 bytes "Hello Server!"
//! trace: send(13 bytes "Hello Server!") -> 13
//! trace: close()
//! ```
//!
//! Production code would use a logging crate (`log`, `tracing`) with levels and targets; a single
//! flag keeps the lesson code short.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::show::{count, explain_io, seconds, show_bytes};

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Turns tracing on or off for the whole program (normally from the `--trace` option).
pub fn enable(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// Whether `--trace` is on.
pub fn is_enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Writes one trace line to stderr. Use the [`trace!`](crate::trace!) macro rather than this.
///
/// It never panics: if stderr is closed, the line is lost, and the program goes on (`eprintln!`
/// would panic, and a trace must never change what a program does).
pub fn write_line(line: fmt::Arguments<'_>) {
    // The whole line in one write: stderr is unbuffered, and one write per line keeps lines
    // from different threads (or from a server and a client sharing a terminal) whole.
    let text = format!("trace: {line}\n");
    // In a server that logs, through the log's writer: trace lines and log lines then stay in
    // the order they happened, and a full stderr cannot stop the server either.
    if crate::log::is_started() {
        crate::log::write_trace(text);
        return;
    }
    let _ = io::stderr().write_all(text.as_bytes());
}

/// Prints a trace line to stderr when `--trace` is on, formatted like `println!`.
///
/// ```
/// netlesson::trace::enable(true);
/// netlesson::trace!("bind({}) -> ok", "127.0.0.1:50000");
/// // stderr: trace: bind(127.0.0.1:50000) -> ok
/// ```
#[macro_export]
macro_rules! trace {
    ($($arg:tt)*) => {
        if $crate::trace::is_enabled() {
            $crate::trace::write_line(format_args!($($arg)*));
        }
    };
}

/// A stream that prints each `recv`, `send` and the final `close` when `--trace` is on.
///
/// It forwards every call unchanged, so a program behaves the same with or without it.
/// The names in the trace are the system calls Rust makes underneath: on Linux and macOS,
/// `TcpStream::read` is `recv` and `TcpStream::write` is `send`.
///
/// ```
/// use std::io::{Read, Write};
/// use netlesson::Traced;
///
/// // Any `Read + Write` works; tests use an in-memory cursor.
/// let mut stream = Traced::new(std::io::Cursor::new(b"Hello".to_vec()));
/// let mut buffer = [0u8; 16];
/// assert_eq!(stream.read(&mut buffer)?, 5);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Traced<S> {
    inner: S,
    /// A client's `--timeout` for each whole reply (see [`Traced::client`]); `None` otherwise.
    deadline: Option<ReplyDeadline<S>>,
}

impl<S> Traced<S> {
    /// Wraps `inner`; nothing is printed unless tracing is on.
    pub fn new(inner: S) -> Self {
        Traced {
            inner,
            deadline: None,
        }
    }

    /// The wrapped stream, e.g. to call `peer_addr` or `set_read_timeout` on it.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped stream, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }
}

impl Traced<std::net::TcpStream> {
    /// Wraps a client's connection with a deadline for each whole reply: from the first read
    /// after a write (or after connecting) until the reply is complete, at most `limit`, the
    /// client's `--timeout`, however the reply arrives.
    ///
    /// Why: a socket's read timeout counts from the start of *each* read. A server that sends
    /// one byte a second restarts it with every byte, and could keep a client waiting for
    /// hours (a 1024-byte reply, 5 s per read: 85 minutes). So before each read, the time left
    /// of `limit` becomes the read timeout; when it runs out after part of the reply came, the
    /// read fails with [`ReplyTooSlow`] (`the whole reply did not arrive within 5 s
    /// (--timeout)`); when nothing came at all, with the usual timeout (`nothing arrived for 5 s
    /// (--timeout)`). Every write starts a new reply's clock.
    /// [`netlesson::connect`](crate::connect) returns connections wrapped this way.
    ///
    /// ```
    /// use std::io::{Read, Write};
    /// use std::net::{TcpListener, TcpStream};
    /// use std::time::{Duration, Instant};
    /// use netlesson::Traced;
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// let mut client = Traced::client(TcpStream::connect(listener.local_addr()?)?, Duration::from_millis(100));
    /// let (mut server, _) = listener.accept()?;
    /// // The server trickles: a byte every 20 ms, never the whole reply, until the client
    /// // hangs up. Each byte comes well within 100 ms of the one before.
    /// let trickler = std::thread::spawn(move || {
    ///     while server.write_all(b"x").is_ok() {
    ///         std::thread::sleep(Duration::from_millis(20));
    ///     }
    /// });
    /// let started = Instant::now();
    /// let mut reply = Vec::new();
    /// let error = client.read_to_end(&mut reply).unwrap_err();
    /// assert!(started.elapsed() < Duration::from_millis(500), "the deadline is for the whole reply");
    /// assert_eq!(error.to_string(), "the whole reply did not arrive within 100 ms (--timeout)");
    /// # drop(client);
    /// # trickler.join().ok();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn client(stream: std::net::TcpStream, limit: Duration) -> Self {
        Traced {
            inner: stream,
            deadline: Some(ReplyDeadline {
                arm: |stream: &std::net::TcpStream, left| stream.set_read_timeout(left),
                clock: Mutex::new(ReplyClock {
                    limit: Some(limit),
                    ..ReplyClock::default()
                }),
            }),
        }
    }

    /// Changes the deadline for each whole reply (see [`Traced::client`]); `None` waits for
    /// ever, e.g. for a chat, where silence is normal. The next reply's clock starts afresh.
    pub fn set_reply_deadline(&self, limit: Option<Duration>) -> io::Result<()> {
        if let Some(deadline) = &self.deadline {
            *deadline.lock() = ReplyClock {
                limit,
                ..ReplyClock::default()
            };
        }
        self.inner.set_read_timeout(limit)
    }

    /// Closes one direction of the connection (`shutdown(SHUT_WR)` for [`std::net::Shutdown::Write`]):
    /// the peer's next read returns 0 bytes, while data can still flow the other way.
    pub fn shutdown(&self, how: std::net::Shutdown) -> io::Result<()> {
        let result = self.inner.shutdown(how);
        let name = match how {
            std::net::Shutdown::Read => "SHUT_RD",
            std::net::Shutdown::Write => "SHUT_WR",
            std::net::Shutdown::Both => "SHUT_RDWR",
        };
        crate::trace!(
            "shutdown({name}) -> {}",
            show_result(&result, |_| "ok".into())
        );
        result
    }
}

/// UDP: each call moves one whole datagram, and names the address it came from or goes to.
///
/// The trace lines use the names of the system calls underneath:
///
/// ```text
/// trace: recvfrom(1024) -> 11 bytes "Hello, UDP!" from 127.0.0.1:5555
/// trace: sendto(13 bytes "data received", 127.0.0.1:5555) -> 13
/// ```
///
/// ```
/// use std::net::UdpSocket;
/// use netlesson::Traced;
///
/// let server = Traced::new(UdpSocket::bind("127.0.0.1:0")?);
/// let client = Traced::new(UdpSocket::bind("127.0.0.1:0")?);
/// client.send_to(b"Hello, UDP!", server.get_ref().local_addr()?)?;
///
/// let mut buffer = [0u8; 1024];
/// let (size, sender) = server.recv_from(&mut buffer)?;
/// assert_eq!(&buffer[..size], b"Hello, UDP!");
/// assert_eq!(sender, client.get_ref().local_addr()?);
/// # Ok::<(), std::io::Error>(())
/// ```
impl Traced<std::net::UdpSocket> {
    /// `recvfrom(N)`: waits for the next datagram and copies it into `buffer`. A datagram longer
    /// than `buffer` is cut to fit, and the rest of it is lost.
    pub fn recv_from(&self, buffer: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let result = self.inner.recv_from(buffer);
        crate::trace!(
            "recvfrom({}) -> {}",
            buffer.len(),
            show_result(&result, |&(count, sender)| format!(
                "{} from {sender}",
                datagram(&buffer[..count])
            ))
        );
        result
    }

    /// `recvfrom(N, MSG_PEEK)`: like [`recv_from`](Self::recv_from), but leaves the datagram
    /// in the queue, so the next receive gets it again. With a buffer as large as the largest
    /// datagram, the count it returns is the datagram's real length.
    pub fn peek_from(&self, buffer: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let result = self.inner.peek_from(buffer);
        crate::trace!(
            "recvfrom({}, MSG_PEEK) -> {}",
            buffer.len(),
            show_result(&result, |&(count, sender)| format!(
                "{} from {sender} (left in the queue)",
                bytes(count)
            ))
        );
        result
    }

    /// `sendto(data, address)`: sends `data` as one datagram to `address`.
    pub fn send_to(&self, data: &[u8], address: SocketAddr) -> io::Result<usize> {
        let result = self.inner.send_to(data, address);
        crate::trace!(
            "sendto({} {}, {address}) -> {}",
            bytes(data.len()),
            show_bytes(data),
            show_result(&result, |count| count.to_string())
        );
        result
    }

    /// `connect(address)`: for UDP, no packet is sent. The socket only remembers `address`:
    /// [`send`](Self::send) goes there, [`recv`](Self::recv) takes datagrams from there only,
    /// and an error the network reports about that address ("connection refused") is returned
    /// by the next call.
    pub fn connect(&self, address: SocketAddr) -> io::Result<()> {
        let result = self.inner.connect(address);
        crate::trace!(
            "connect({address}) -> {}",
            show_result(&result, |_| "ok".into())
        );
        result
    }

    /// `send(data)` on a connected socket: one datagram to the connected address.
    pub fn send(&self, data: &[u8]) -> io::Result<usize> {
        let result = self.inner.send(data);
        crate::trace!(
            "send({} {}) -> {}",
            bytes(data.len()),
            show_bytes(data),
            show_result(&result, |count| count.to_string())
        );
        result
    }

    /// `recv(N)` on a connected socket: the next datagram from the connected address.
    pub fn recv(&self, buffer: &mut [u8]) -> io::Result<usize> {
        let result = self.inner.recv(buffer);
        crate::trace!(
            "recv({}) -> {}",
            buffer.len(),
            show_result(&result, |&count| datagram(&buffer[..count]))
        );
        result
    }
}

/// A received datagram in a trace line; an empty one is said to be empty (for UDP, 0 bytes is
/// a datagram like any other, not the end of anything).
fn datagram(data: &[u8]) -> String {
    match data.len() {
        0 => "0 bytes (an empty datagram)".to_string(),
        count => format!("{} {}", bytes(count), show_bytes(data)),
    }
}

/// A client's deadline for each whole reply: see [`Traced::client`].
struct ReplyDeadline<S> {
    /// Sets the read timeout of the wrapped stream.
    arm: fn(&S, Option<Duration>) -> io::Result<()>,
    /// Behind a lock: a connection may be read through `&Traced` by one thread while another
    /// writes to it.
    clock: Mutex<ReplyClock>,
}

impl<S> fmt::Debug for ReplyDeadline<S> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ReplyDeadline")
            .field("clock", &self.clock)
            .finish()
    }
}

/// Where the current reply stands.
#[derive(Debug, Default, Clone, Copy)]
struct ReplyClock {
    /// The deadline for a whole reply; `None`: no deadline.
    limit: Option<Duration>,
    /// When the first read of the current reply began.
    since: Option<Instant>,
    /// Bytes of the current reply received so far.
    received: usize,
}

impl<S> ReplyDeadline<S> {
    fn lock(&self) -> std::sync::MutexGuard<'_, ReplyClock> {
        self.clock.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Before a read: arms what is left of the reply's time as the read timeout.
    fn before_read(&self, inner: &S) -> io::Result<()> {
        let mut clock = self.lock();
        let Some(limit) = clock.limit else {
            return Ok(());
        };
        let since = *clock.since.get_or_insert_with(Instant::now);
        let left = limit.saturating_sub(since.elapsed());
        if left.is_zero() {
            return Err(ReplyTooSlow::error(limit, clock.received));
        }
        (self.arm)(inner, Some(left))
    }

    /// After a read: counts what came; a timeout after part of the reply is [`ReplyTooSlow`].
    fn after_read(&self, result: io::Result<usize>) -> io::Result<usize> {
        let mut clock = self.lock();
        let Some(limit) = clock.limit else {
            return result;
        };
        match &result {
            Ok(count) => clock.received += count,
            Err(error) if is_timeout(error) && clock.received > 0 => {
                return Err(ReplyTooSlow::error(limit, clock.received));
            }
            Err(_) => {}
        }
        result
    }

    /// After a write: what we read next is the answer to it, a new reply.
    fn after_write(&self) {
        let mut clock = self.lock();
        clock.since = None;
        clock.received = 0;
    }
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// A reply that had begun to arrive but was not complete when the client's `--timeout` ran
/// out (see [`Traced::client`]). It travels inside an `io::Error` of kind `TimedOut`.
#[derive(Debug, thiserror::Error)]
#[error(
    "the whole reply did not arrive within {} (--timeout)",
    seconds(*limit)
)]
pub struct ReplyTooSlow {
    /// The deadline for a whole reply.
    pub limit: Duration,
    /// How many bytes of the reply had arrived.
    pub received: usize,
}

impl ReplyTooSlow {
    fn error(limit: Duration, received: usize) -> io::Error {
        io::Error::new(io::ErrorKind::TimedOut, ReplyTooSlow { limit, received })
    }
}

impl<S: Read> Read for Traced<S> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let Some(deadline) = &self.deadline else {
            return traced_read(&mut self.inner, buffer);
        };
        deadline.before_read(&self.inner)?;
        deadline.after_read(traced_read(&mut self.inner, buffer))
    }
}

impl<S: Write> Write for Traced<S> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if let Some(deadline) = &self.deadline {
            deadline.after_write();
        }
        traced_write(&mut self.inner, data)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Reading through a shared reference, as `std` allows for `&TcpStream`: one thread can read
/// while another writes to the same connection.
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{TcpListener, TcpStream};
/// use netlesson::Traced;
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let client = Traced::new(TcpStream::connect(listener.local_addr()?)?);
/// let (mut server, _) = listener.accept()?;
/// std::thread::scope(|scope| {
///     // `&client` is a second handle: this thread writes while the other one reads.
///     scope.spawn(|| (&client).write_all(b"ping"));
///     let mut received = [0u8; 4];
///     server.read_exact(&mut received)?;
///     assert_eq!(&received, b"ping");
///     server.write_all(b"pong")?;
///     (&client).read_exact(&mut received)?;
///     assert_eq!(&received, b"pong");
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
impl<'a, S> Read for &'a Traced<S>
where
    &'a S: Read,
{
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let Some(deadline) = &self.deadline else {
            return traced_read(&mut &self.inner, buffer);
        };
        deadline.before_read(&self.inner)?;
        deadline.after_read(traced_read(&mut &self.inner, buffer))
    }
}

/// Writing through a shared reference, as `std` allows for `&TcpStream` (see the example on
/// `Read for &Traced<S>`).
impl<'a, S> Write for &'a Traced<S>
where
    &'a S: Write,
{
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if let Some(deadline) = &self.deadline {
            deadline.after_write();
        }
        traced_write(&mut &self.inner, data)
    }

    fn flush(&mut self) -> io::Result<()> {
        (&self.inner).flush()
    }
}

fn traced_read(inner: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let result = inner.read(buffer);
    crate::trace!(
        "recv({}) -> {}",
        buffer.len(),
        show_result(&result, |&count| match count {
            0 => "0 bytes (end of stream: the peer closed its side)".to_string(),
            _ => format!("{} {}", bytes(count), show_bytes(&buffer[..count])),
        })
    );
    result
}

fn traced_write(inner: &mut impl Write, data: &[u8]) -> io::Result<usize> {
    let result = inner.write(data);
    crate::trace!(
        "send({} {}) -> {}",
        bytes(data.len()),
        show_bytes(data),
        show_result(&result, |count| count.to_string())
    );
    result
}

impl<S> Drop for Traced<S> {
    fn drop(&mut self) {
        // The wrapped stream is dropped right after this, which closes the socket.
        crate::trace!("close()");
    }
}

fn bytes(number: usize) -> String {
    count(number, "byte")
}

fn show_result<T>(result: &io::Result<T>, show_ok: impl Fn(&T) -> String) -> String {
    match result {
        Ok(value) => show_ok(value),
        Err(error) => format!("error: {}", explain_io(error)),
    }
}
