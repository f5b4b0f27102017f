//! A connection with a deadline: every read (and write) must be done before one moment, however
//! the bytes trickle in.
//!
//! A socket's read timeout limits each read on its own. A client that sends one byte every
//! nine seconds never trips a ten-second timeout, and can keep a request "still arriving" for
//! hours; a few hundred such clients hold every thread of a server (the *slowloris* attack).
//! [`Timed`] gives each read only the time left until a deadline, so that a whole request head
//! must arrive in time. `http-server` sets a new deadline for each request; `http-get` one for
//! its whole exchange with the server.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use netlesson::Traced;

/// How far a read's timeout may be from the deadline: a read may give up this much earlier or
/// later than the deadline says.
const SLACK: Duration = Duration::from_millis(10);

/// A connection (shared: several readers and writers may use it in turn) and a deadline.
#[derive(Debug)]
pub struct Timed<'a> {
    connection: &'a Traced<TcpStream>,
    deadline: Instant,
    /// The longest a single read or write may wait, even with more time left.
    patience: Duration,
    /// The read timeout this value last set on the socket, if any.
    read_timeout: Option<Duration>,
}

impl<'a> Timed<'a> {
    /// `connection`, whose reads and writes through this value must be done by `deadline`.
    pub fn new(connection: &'a Traced<TcpStream>, deadline: Instant) -> Timed<'a> {
        Timed {
            connection,
            deadline,
            patience: Duration::MAX,
            read_timeout: None,
        }
    }

    /// Lets each read or write wait at most `patience`, even with more time left until the
    /// deadline (a client's `--timeout`: "nothing arrived for 5 s").
    pub fn with_patience(self, patience: Duration) -> Timed<'a> {
        Timed { patience, ..self }
    }

    /// Moves the deadline (the server does so for each new request).
    pub fn set_deadline(&mut self, deadline: Instant) {
        self.deadline = deadline;
    }

    /// The connection itself.
    pub fn connection(&self) -> &'a Traced<TcpStream> {
        self.connection
    }

    /// How long the next read or write may wait: the time left until the deadline (or the
    /// patience, if shorter). A `TimedOut` error when the deadline has passed.
    fn time_left(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        match left.is_zero() {
            true => Err(io::ErrorKind::TimedOut.into()),
            false => Ok(left.min(self.patience)),
        }
    }
}

// ANCHOR: read
impl Read for Timed<'_> {
    /// One read, allowed to wait only until the deadline.
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let left = self.time_left()?;
        // Setting the timeout is a system call of its own: skip it when the one set last is
        // within a few milliseconds of what is needed (as for each new request of a busy
        // connection, whose deadline is again `--idle-timeout` away).
        if self
            .read_timeout
            .is_none_or(|set| set.abs_diff(left) > SLACK)
        {
            self.connection.get_ref().set_read_timeout(Some(left))?;
            self.read_timeout = Some(left);
        }
        let mut connection = self.connection;
        connection.read(buffer)
    }
}
// ANCHOR_END: read

impl Write for Timed<'_> {
    /// One write, allowed to wait only until the deadline.
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let left = self.time_left()?;
        self.connection.get_ref().set_write_timeout(Some(left))?;
        let mut connection = self.connection;
        connection.write(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Whether `error` is a read or write that ran out of time (a socket timeout reports
/// `WouldBlock` on Linux, `TimedOut` elsewhere; [`Timed`] reports `TimedOut`).
pub fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
