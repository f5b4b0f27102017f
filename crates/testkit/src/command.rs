//! Lesson 8's command protocol (`UPPER`, `REVERSE`, `STATS`, `QUIT`, one line each way) from
//! the tests' side: a [`Client`] that sends request lines and reads reply lines byte for byte,
//! the server's log ([`wait_for_lines`]), many clients at once ([`clients_at_once`]), abusive
//! connection attempts ([`misbehave`], [`expected_after_abuse`]), and in [`scenarios`] the
//! tests that every server of the protocol must pass. Lesson 8's `threaded-server` and
//! `pool-server` and lesson 10's `poll-server` and `async-server` run the same ones, each from
//! thin `#[test]` functions that pass their own binaries.
//!
//! Every connection has [`STEP_TIMEOUT`] on its reads and writes; servers are started on
//! `--port 0` and used only after their `listening on` line ([`crate::procs::start_or_panic`]).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use crate::procs::{STEP_TIMEOUT, Server};

pub mod scenarios;

/// A client driven by the test: sends request lines, reads reply lines, byte for byte. Every
/// method panics, saying what failed, when the server does otherwise: it is meant for tests.
pub struct Client {
    replies: BufReader<TcpStream>,
    requests: TcpStream,
}

impl Client {
    /// Connects to `address`, with [`STEP_TIMEOUT`] on the connect, every read and every write.
    pub fn connect(address: SocketAddr) -> Client {
        let stream = TcpStream::connect_timeout(&address, STEP_TIMEOUT).expect("connect");
        stream
            .set_read_timeout(Some(STEP_TIMEOUT))
            .expect("timeout");
        stream
            .set_write_timeout(Some(STEP_TIMEOUT))
            .expect("timeout");
        let requests = stream.try_clone().expect("a second handle");
        Client {
            replies: BufReader::new(stream),
            requests,
        }
    }

    /// Our side's address, the one the server prints.
    pub fn address(&self) -> SocketAddr {
        self.requests.local_addr().expect("local address")
    }

    /// Sends `bytes` as they are.
    pub fn send(&mut self, bytes: &[u8]) {
        self.requests.write_all(bytes).expect("send");
    }

    /// The writing side of the connection, for a test that writes its own way: ignoring
    /// errors, or without blocking.
    pub fn requests(&mut self) -> &mut TcpStream {
        &mut self.requests
    }

    /// The next reply line, with its `\n`, exactly as it arrived (empty at the end of stream).
    pub fn reply(&mut self) -> Vec<u8> {
        let mut line = Vec::new();
        self.replies
            .read_until(b'\n', &mut line)
            .expect("a reply line within the step timeout");
        line
    }

    /// Sends `request` and returns the reply line.
    pub fn ask(&mut self, request: &[u8]) -> Vec<u8> {
        self.send(request);
        self.reply()
    }

    /// Checks that the server closes the connection now, without sending anything more.
    pub fn expect_closed(&mut self) {
        assert_eq!(
            self.reply(),
            b"",
            "the server should have closed the connection"
        );
    }
}

/// Reads the server's lines until `count` of them start with `prefix`; returns every line read.
pub fn wait_for_lines(server: &mut Server, prefix: &str, count: usize) -> Vec<String> {
    let mut seen = 0;
    let mut lines = Vec::new();
    while seen < count {
        let line = server.next_line().expect("the server's next line");
        seen += usize::from(line.starts_with(prefix));
        lines.push(line);
    }
    lines
}

/// `count` clients connect, wait until all are connected, then each sends five requests of its
/// own, checks each reply exactly, and says QUIT.
pub fn clients_at_once(address: SocketAddr, count: usize) {
    let start_line = Barrier::new(count);
    thread::scope(|scope| {
        for number in 0..count {
            let start_line = &start_line;
            scope.spawn(move || {
                let mut client = Client::connect(address);
                start_line.wait();
                for request in 0..5 {
                    let text = format!("client {number} says {request}");
                    let reply = client.ask(format!("REVERSE {text}\n").as_bytes());
                    let expected: String = text.chars().rev().collect();
                    assert_eq!(reply, format!("{expected}\n").as_bytes());
                }
                assert_eq!(client.ask(b"QUIT\n"), b"BYE\n");
                client.expect_closed();
            });
        }
    });
}

/// The number of threads of process `pid`, from `/proc/<pid>/status` (Linux only: `None`
/// elsewhere).
pub fn threads_of(pid: u32) -> Option<usize> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("Threads:"))?;
    line["Threads:".len()..].trim().parse().ok()
}

/// One connection attempt to `address` that misbehaves in one of five ways, chosen by
/// `attempt`: it closes at once, sends bytes that are not UTF-8, half a line, 3000 bytes
/// without a newline, or two requests whose replies it never reads; every other one ends with
/// a reset instead of a close.
pub fn misbehave(address: SocketAddr, attempt: usize) {
    // Attempts come faster than the server accepts them: when its listen queue is full,
    // the kernel drops some, and a connect may fail or be lost. Both are fine here.
    let Ok(mut stream) = TcpStream::connect_timeout(&address, STEP_TIMEOUT) else {
        return;
    };
    let _ = match attempt % 5 {
        0 => Ok(()),
        1 => stream.write_all(b"\xff\xfe\x00garbage"),
        2 => stream.write_all(b"UPPER half a line"),
        3 => stream.write_all(&[b'x'; 3000]),
        _ => stream.write_all(b"STATS\nQUIT\n"),
    };
    if attempt.is_multiple_of(2) {
        // A reset instead of a polite close, as a crashed client gives.
        let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    }
}

/// Whether `line` is one a server may print while [`misbehave`] attempts come: a client
/// accepted or closed, or a problem that one of the attempts causes, or one of `also` (the
/// problems of a server's own limits, such as a cap on clients).
pub fn expected_after_abuse(line: &str, also: &[&str]) -> bool {
    let problems = [
        "could not receive a request: connection reset by the peer",
        "could not receive a request: the connection closed before the \"\\n\" that ends a message",
        "could not send a reply: connection reset by the peer",
        "could not send a reply: the peer has closed the connection (broken pipe)",
        "sent a line over 1024 bytes",
    ];
    line.starts_with("listening on ")
        || line.starts_with("accepted connection from ")
        || line.starts_with("closed connection from ")
        || (line.starts_with("client ")
            && problems
                .iter()
                .chain(also)
                .any(|problem| line.contains(problem)))
}
