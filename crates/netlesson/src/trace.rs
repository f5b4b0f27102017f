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

use crate::show::{count, explain_io, show_bytes};

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
}

impl<S> Traced<S> {
    /// Wraps `inner`; nothing is printed unless tracing is on.
    pub fn new(inner: S) -> Self {
        Traced { inner }
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

impl<S: Read> Read for Traced<S> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        traced_read(&mut self.inner, buffer)
    }
}

impl<S: Write> Write for Traced<S> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
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
        traced_read(&mut &self.inner, buffer)
    }
}

/// Writing through a shared reference, as `std` allows for `&TcpStream` (see the example on
/// `Read for &Traced<S>`).
impl<'a, S> Write for &'a Traced<S>
where
    &'a S: Write,
{
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
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
