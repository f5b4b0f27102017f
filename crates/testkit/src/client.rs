//! The course's one TCP test client, [`Conn`]: what `nc` does, and what a misbehaving client
//! does (send a byte at a time, half-close, go silent, reset), for the lessons' tests, the
//! demos, the servers' contract and the exercise checks.
//!
//! It remembers every byte that went each way, so that when an expectation fails, the
//! [`Failure`] shows what was sent, what was expected and what came, and the `nc` command that
//! sends the same bytes by hand. Every read and write has a time limit, so a test can fail but
//! never hang; and it keeps at most [`KEPT_BYTES`] of what arrives beyond what a step asked
//! for, so that a server flooding a connection cannot exhaust the memory of whoever tests it.
//!
//! ```no_run
//! # fn main() -> Result<(), testkit::client::Failure> {
//! # let address = "127.0.0.1:12345".parse().expect("an address");
//! let mut conn = testkit::client::Conn::connect(address)?;
//! conn.send(b"hello\n")?;
//! conn.half_close()?;
//! conn.expect_then_close(b"hello\n")?;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use netlesson::show::show_bytes;

use crate::procs::STEP_TIMEOUT;

/// How soon after its reply a server that should close must have closed: well before any
/// idle timeout, so that a server that only closes because the client went quiet is caught.
pub const PROMPT_CLOSE: Duration = Duration::from_millis(500);

/// The most bytes a connection keeps beyond those a step asked for: a server that floods a
/// connection the test only waits on is read (so it never blocks) but only counted past it.
pub const KEPT_BYTES: usize = 1024 * 1024;

/// Why a step failed, with everything needed to see it happen again.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Failure {
    /// One sentence: what went wrong.
    pub problem: String,
    /// What the client sent, shown as `--trace` shows bytes (with how: one write, ...).
    pub sent: Option<String>,
    /// What should have come back.
    pub expected: Option<String>,
    /// What came back.
    pub received: Option<String>,
    /// Commands that reproduce the exchange by hand, one per terminal. Unless one of them runs
    /// the program under test (a client exercise's do), the checker's report puts the command
    /// that starts it as a server in front.
    pub reproduce: Vec<String>,
    /// Whose failure it is: the program's (a step fails), or the checker's own (it could not
    /// start a helper, a process, a temporary folder: a check stops and blames nobody).
    pub blame: Blame,
}

/// Whose failure a [`Failure`] is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Blame {
    /// The program under test did something wrong: the step fails.
    #[default]
    Program,
    /// The machinery itself (the checker, the test) could not do its job: never the fault of
    /// the program under test.
    Checker,
}

impl Failure {
    /// A failure with just a problem: add the rest with the `with_*` methods.
    pub fn new(problem: impl Into<String>) -> Failure {
        Failure {
            problem: problem.into(),
            ..Failure::default()
        }
    }

    /// A failure of the machinery itself (it could not start a helper program, create a socket
    /// or a folder, ...): a check stops, and it is not the program's fault.
    pub fn of_checker(problem: impl Into<String>) -> Failure {
        Failure {
            problem: problem.into(),
            blame: Blame::Checker,
            ..Failure::default()
        }
    }

    /// Adds a line to the problem: what the step guesses went wrong, and what to do about it.
    pub fn with_note(mut self, note: impl AsRef<str>) -> Failure {
        self.problem = format!("{}\n{}", self.problem, note.as_ref());
        self
    }

    /// Adds a command that reproduces the failure by hand.
    pub fn with_reproduce(mut self, command: impl Into<String>) -> Failure {
        self.reproduce.push(command.into());
        self
    }
}

impl From<anyhow::Error> for Failure {
    /// A failure of the machinery (it could not start a process, ...): [`Blame::Checker`].
    fn from(error: anyhow::Error) -> Failure {
        Failure::of_checker(format!("{error:#}"))
    }
}

impl fmt::Display for Failure {
    /// The problem, then the bytes sent, expected and received, one per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.problem)?;
        let rows = [
            ("sent", &self.sent),
            ("expected", &self.expected),
            ("received", &self.received),
        ];
        for (label, value) in rows {
            if let Some(value) = value {
                write!(f, "\n  {label}: {value}")?;
            }
        }
        for command in &self.reproduce {
            write!(f, "\n  by hand: {command}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Failure {
    /// As [`fmt::Display`]: a test's `.expect(...)` then shows the exchange, not a struct.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Failure {}

/// The result of a step.
pub type StepResult = Result<(), Failure>;

/// How the bytes of a connection were sent, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pace {
    OneWrite,
    Bytewise,
}

/// How a connection ended, seen from our side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The server closed it normally: a read returned end of file (its FIN).
    Closed,
    /// The server reset it (RST): it crashed, or closed with unread data.
    Reset,
    /// Reading failed otherwise; the error, in words.
    Failed(String),
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            End::Closed => write!(f, "the connection closed"),
            End::Reset => write!(f, "the connection failed: the server reset the connection"),
            End::Failed(error) => write!(f, "the connection failed: {error}"),
        }
    }
}

/// One connection to a server under test, which remembers what went each way.
#[derive(Debug)]
pub struct Conn {
    stream: TcpStream,
    /// How long a read or write may wait ([`STEP_TIMEOUT`] unless told otherwise).
    timeout: Duration,
    sent: Vec<u8>,
    pace: Pace,
    half_closed: bool,
    received: Vec<u8>,
    /// Bytes that arrived past what was kept ([`KEPT_BYTES`]): read, counted, dropped.
    dropped: u64,
    /// How many of the received bytes the step has already checked or taken: the next
    /// expectation starts there (one read may bring a reply and more after it).
    consumed: usize,
    /// How the connection ended: `None` while it is open.
    end: Option<End>,
    /// How long the last read waited in vain, if it did.
    quiet: Option<Duration>,
    /// How soon after its reply the server must close ([`PROMPT_CLOSE`] unless told
    /// otherwise: [`Conn::set_prompt_close`]).
    prompt_close: Duration,
    /// `127.0.0.1 PORT`, for the `nc` commands that reproduce a failure.
    by_hand: String,
}

impl Conn {
    /// Connects to `address`; reads and writes wait at most [`STEP_TIMEOUT`].
    pub fn connect(address: SocketAddr) -> Result<Conn, Failure> {
        let by_hand = format!("{} {}", address.ip(), address.port());
        Conn::connect_with(address, STEP_TIMEOUT, by_hand)
    }

    /// Connects to `address`; reads and writes wait at most `timeout`, and the commands that
    /// reproduce a failure send to `by_hand` (`127.0.0.1 PORT` with the port a student
    /// would use, rather than the one the test's server got).
    pub fn connect_with(
        address: SocketAddr,
        timeout: Duration,
        by_hand: String,
    ) -> Result<Conn, Failure> {
        let stream = connect_in_tries(address, timeout).map_err(|error| {
            Failure::new(format!(
                "could not connect to the server at {address}: {error}"
            ))
        })?;
        // TCP_NODELAY: each write leaves at once in its own segment instead of waiting (Nagle's
        // algorithm) to be merged with the next, so `send_bytewise` really sends a byte per
        // segment, and a small request is not held back until the previous one is answered.
        let setup = stream
            .set_nodelay(true)
            .and_then(|()| stream.set_write_timeout(Some(timeout)));
        setup.map_err(|error| Failure::new(format!("could not set up a connection: {error}")))?;
        Ok(Conn {
            stream,
            timeout,
            sent: Vec::new(),
            pace: Pace::OneWrite,
            half_closed: false,
            received: Vec::new(),
            dropped: 0,
            consumed: 0,
            end: None,
            quiet: None,
            prompt_close: PROMPT_CLOSE,
            by_hand,
        })
    }

    /// How soon after its reply the server must close, instead of [`PROMPT_CLOSE`]: longer for
    /// steps that check that a server keeps serving thousands of clients, not how promptly it
    /// closes each (on a loaded machine, one close in thousands can come late).
    pub fn set_prompt_close(&mut self, limit: Duration) {
        self.prompt_close = limit;
    }

    /// Our side's address: the one the server sees, and prints as the client's.
    pub fn local_addr(&self) -> Result<SocketAddr, Failure> {
        self.stream
            .local_addr()
            .map_err(|error| Failure::new(format!("could not read our own address: {error}")))
    }

    /// Sends `data` in one write.
    pub fn send(&mut self, data: &[u8]) -> StepResult {
        self.sent.extend_from_slice(data);
        match self.stream.write_all(data) {
            Ok(()) => Ok(()),
            Err(error) => Err(self.send_failed(format!("could not send: {}", explain(&error)))),
        }
    }

    /// Sends `data` one byte per write, each in its own TCP segment.
    pub fn send_bytewise(&mut self, data: &[u8]) -> StepResult {
        self.pace = Pace::Bytewise;
        for byte in data {
            self.sent.push(*byte);
            if let Err(error) = self.stream.write_all(&[*byte]) {
                let problem = format!("could not send a byte: {}", explain(&error));
                return Err(self.send_failed(problem));
            }
            // A moment between bytes, so that each leaves on its own: the server must cope
            // with a message cut anywhere.
            std::thread::sleep(Duration::from_millis(1));
        }
        Ok(())
    }

    /// Closes our sending side (`shutdown(SHUT_WR)`): the server reads end of file, and can
    /// still send its reply.
    pub fn half_close(&mut self) -> StepResult {
        self.half_closed = true;
        self.stream
            .shutdown(Shutdown::Write)
            .map_err(|error| self.failure(format!("could not shut down: {error}")))
    }

    /// Closes the connection with a reset (RST) instead of the normal goodbye (FIN), as a
    /// crashed client or a pulled cable looks to the server: `SO_LINGER` with a zero timeout,
    /// then close.
    pub fn reset(self) -> StepResult {
        let linger = socket2::SockRef::from(&self.stream).set_linger(Some(Duration::ZERO));
        linger.map_err(|error| Failure::new(format!("could not set SO_LINGER: {error}")))?;
        drop(self.stream);
        Ok(())
    }

    /// Reads until `expected` has arrived (exactly those bytes next), within the timeout.
    pub fn expect(&mut self, expected: &[u8]) -> StepResult {
        let start = self.consumed;
        let deadline = Instant::now() + self.timeout;
        let keep = start + expected.len();
        while self.received.len() < start + expected.len()
            && expected.starts_with(&self.received[start..])
            && self.read_some(deadline, keep)
        {}
        let end = self.received.len().min(start + expected.len());
        if self.received[start..end] == *expected {
            self.consumed = end;
            return Ok(());
        }
        let problem = wrong_reply(&self.received[start..], expected);
        Err(self.mismatch(start, expected, "", &problem))
    }

    /// [`Conn::expect`], then the server must close the connection, with nothing more, within
    /// [`PROMPT_CLOSE`].
    pub fn expect_then_close(&mut self, expected: &[u8]) -> StepResult {
        let start = self.consumed;
        self.expect(expected)?;
        let deadline = Instant::now() + self.prompt_close;
        let before = self.consumed;
        while self.received.len() == before && self.read_some(deadline, 0) {}
        if self.received.len() == before && self.end == Some(End::Closed) {
            return Ok(());
        }
        let problem = if self.received.len() > before {
            "the server sent more than the reply"
        } else {
            "the server did not close the connection right after its reply"
        };
        Err(self.mismatch(start, expected, ", then the connection closed", problem))
    }

    /// The server must close the connection without sending anything.
    pub fn expect_close(&mut self) -> StepResult {
        self.expect_then_close(b"")
    }

    /// Nothing arrives for `quiet`, and the connection stays open.
    pub fn expect_silence(&mut self, quiet: Duration) -> StepResult {
        let start = self.consumed;
        let deadline = Instant::now() + quiet;
        while self.read_some(deadline, 0) {}
        if self.received.len() == start && self.end.is_none() {
            return Ok(());
        }
        Err(self.mismatch(start, b"", "", "the server did not wait for the client"))
    }

    /// Everything the server sends until it closes the connection (at most `limit` bytes,
    /// within the timeout); for replies whose value the step checks itself.
    pub fn read_to_close(&mut self, limit: usize) -> Result<Vec<u8>, Failure> {
        let start = self.consumed;
        let deadline = Instant::now() + self.timeout;
        let keep = start.saturating_add(limit).saturating_add(1);
        while self.received.len() - start <= limit && self.read_some(deadline, keep) {}
        if self.end == Some(End::Closed) && self.received.len() - start <= limit {
            self.consumed = self.received.len();
            return Ok(self.received[start..].to_vec());
        }
        let problem = match self.received.len() - start > limit {
            true => format!("the server sent more than {limit} bytes"),
            false => "the server did not close the connection".to_string(),
        };
        Err(self.mismatch(start, b"", "a reply, then the connection closed", &problem))
    }

    /// Everything the server sends until it closes the connection, for replies whose value
    /// the step judges itself (a binary number, ...): at most `limit` bytes, the first within
    /// the timeout, and the close within [`PROMPT_CLOSE`] of the last byte, so that a server
    /// that keeps the connection open after its reply fails even if it closes later. A server
    /// that closes without sending anything gives an empty reply.
    pub fn read_reply_then_close(&mut self, limit: usize) -> Result<Vec<u8>, Failure> {
        let start = self.consumed;
        let mut deadline = Instant::now() + self.timeout;
        let keep = start.saturating_add(limit).saturating_add(1);
        loop {
            let before = self.received.len();
            let more = self.read_some(deadline, keep);
            if self.received.len() - start > limit {
                let problem = format!("the server sent more than {limit} bytes");
                return Err(self.mismatch(start, b"", "", &problem));
            }
            if self.received.len() > before {
                deadline = deadline.min(Instant::now() + self.prompt_close);
            }
            if !more {
                break;
            }
        }
        if self.end == Some(End::Closed) {
            self.consumed = self.received.len();
            return Ok(self.received[start..].to_vec());
        }
        let problem = match (self.received.len() > start, &self.end) {
            (_, Some(_)) => "the connection failed",
            (false, None) => "nothing arrived",
            (true, None) => "the server did not close the connection right after its reply",
        };
        Err(self.mismatch(start, b"", "a reply, then the connection closed", problem))
    }

    /// Every byte received and kept on this connection so far, for a step that explains what
    /// was wrong with a reply.
    pub fn received(&self) -> &[u8] {
        &self.received
    }

    /// How the connection ended, or `None` while it is open (as far as the reads so far know).
    pub fn end(&self) -> Option<&End> {
        self.end.as_ref()
    }

    /// Whether the server has closed the connection normally (not reset it).
    pub fn closed(&self) -> bool {
        self.end == Some(End::Closed)
    }

    /// The next `count` bytes the server sends, whatever they are (within the timeout); for
    /// replies that the step takes apart itself, such as a length header.
    pub fn receive(&mut self, count: usize) -> Result<Vec<u8>, Failure> {
        let start = self.consumed;
        let deadline = Instant::now() + self.timeout;
        let keep = start.saturating_add(count);
        while self.received.len() < start + count && self.read_some(deadline, keep) {}
        if self.received.len() >= start + count {
            self.consumed = start + count;
            return Ok(self.received[start..start + count].to_vec());
        }
        let expected = format!("{count} bytes");
        Err(self.mismatch(start, b"", &expected, "the reply is cut short"))
    }

    /// Whatever arrives next, at most `limit` bytes, in one read (within the timeout): empty
    /// if the server has closed the connection. For watching how bytes arrive.
    pub fn receive_some(&mut self, limit: usize) -> Result<Vec<u8>, Failure> {
        let start = self.consumed;
        if self.received.len() == start {
            let deadline = Instant::now() + self.timeout;
            if !self.read_some(deadline, start.saturating_add(limit))
                && self.received.len() == start
                && self.end.is_none()
            {
                return Err(self.mismatch(start, b"", "some bytes", "nothing arrived"));
            }
        }
        if let Some(End::Reset | End::Failed(_)) = self.end
            && self.received.len() == start
        {
            return Err(self.mismatch(start, b"", "some bytes", "the connection failed"));
        }
        let end = self.received.len().min(start + limit);
        self.consumed = end;
        Ok(self.received[start..end].to_vec())
    }

    /// The next line the server sends, up to and including its `\n` (at most `limit` bytes,
    /// within the timeout), for a reply whose value the step checks itself.
    pub fn read_line(&mut self, limit: usize) -> Result<Vec<u8>, Failure> {
        let start = self.consumed;
        let deadline = Instant::now() + self.timeout;
        let keep = start.saturating_add(limit).saturating_add(1);
        loop {
            if let Some(at) = self.received[start..]
                .iter()
                .position(|&byte| byte == b'\n')
            {
                self.consumed = start + at + 1;
                return Ok(self.received[start..=start + at].to_vec());
            }
            if self.received.len() - start > limit || !self.read_some(deadline, keep) {
                return Err(self.mismatch(
                    start,
                    b"",
                    "a line ending in \\n",
                    "no whole line came",
                ));
            }
        }
    }

    /// The bytes received that no expectation has taken yet: after a failed [`Conn::expect`],
    /// the wrong reply, for a step that explains what it means.
    pub fn unchecked(&self) -> &[u8] {
        &self.received[self.consumed..]
    }

    /// Waits up to `limit` for the server to close the connection, ignoring what it sends;
    /// returns whether it did (a reset counts as closed).
    pub fn closes_within(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while self.read_some(deadline, 0) {}
        self.end.is_some()
    }

    /// The stream itself, for anything else (a test that reads with its own buffer size).
    pub fn stream(&mut self) -> &mut TcpStream {
        &mut self.stream
    }

    /// One read of whatever arrives before `deadline`. Bytes are kept up to index
    /// `max(keep, consumed + KEPT_BYTES)` of what was received; past it they are counted and
    /// dropped. Returns whether reading may go on: false once the connection has ended or the
    /// deadline has passed.
    fn read_some(&mut self, deadline: Instant, keep: usize) -> bool {
        if self.end.is_some() {
            return false;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        let _ = self.stream.set_read_timeout(Some(left));
        let mut buffer = [0u8; 64 * 1024];
        match self.stream.read(&mut buffer) {
            Ok(0) => self.end = Some(End::Closed),
            Ok(count) => {
                let room = keep
                    .max(self.consumed.saturating_add(KEPT_BYTES))
                    .saturating_sub(self.received.len())
                    .min(count);
                self.received.extend_from_slice(&buffer[..room]);
                self.dropped += (count - room) as u64;
                self.quiet = None;
            }
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                self.quiet = Some(left);
                return false;
            }
            // A signal came in during the read (EINTR): nothing happened to the connection.
            Err(error) if error.kind() == ErrorKind::Interrupted => return true,
            Err(error) if error.kind() == ErrorKind::ConnectionReset => {
                self.end = Some(End::Reset);
            }
            Err(error) => self.end = Some(End::Failed(explain(&error))),
        }
        self.end.is_none()
    }

    /// A failure showing what arrived from byte `start` on and how the connection ended,
    /// against `expected` (bytes, then `expected_end` in words; or only the words).
    pub fn mismatch(
        &self,
        start: usize,
        expected: &[u8],
        expected_end: &str,
        problem: &str,
    ) -> Failure {
        let got = &self.received[start.min(self.received.len())..];
        let mut received = match got.is_empty() {
            true => "nothing".to_string(),
            false => show_bytes(got),
        };
        if self.dropped > 0 {
            received.push_str(&format!(
                ", then {} more bytes (not kept: the test keeps {} KiB of what it did not ask \
                 for)",
                self.dropped,
                KEPT_BYTES / 1024
            ));
        }
        if let Some(end) = &self.end {
            received.push_str(&format!(", then {end}"));
        } else if let Some(waited) = self.quiet {
            received.push_str(&format!(" (and nothing more within {})", seconds(waited)));
        }
        let expected = match expected.is_empty() {
            true => expected_end.trim_start_matches(", ").to_string(),
            false => format!("{}{expected_end}", show_bytes(expected)),
        };
        let mut failure = self.failure(problem.to_string());
        failure.expected = Some(expected);
        failure.received = Some(received);
        failure
    }

    /// A failure to send: what the server sent before it closed the connection often says
    /// why (an error reply), so read what is there, briefly, and show it.
    fn send_failed(&mut self, problem: String) -> Failure {
        let deadline = Instant::now() + Duration::from_millis(200);
        while self.read_some(deadline, 0) {}
        let mut failure = self.failure(problem);
        let got = &self.received[self.consumed..];
        if !got.is_empty() {
            let end = self.end.as_ref().map(|end| format!(", then {end}"));
            failure.received = Some(format!("{}{}", show_bytes(got), end.unwrap_or_default()));
        }
        failure
    }

    /// A failure carrying what this connection sent, and how to send it by hand.
    pub fn failure(&self, problem: String) -> Failure {
        let pace = match self.pace {
            Pace::OneWrite => "in one write",
            Pace::Bytewise => "one byte per write",
        };
        let closed = match self.half_closed {
            true => ", then shutdown(SHUT_WR)",
            false => "",
        };
        let sent = match self.sent.is_empty() {
            true => format!("nothing{closed}"),
            false => format!("{} ({pace}{closed})", show_bytes(&self.sent)),
        };
        Failure {
            problem,
            sent: Some(sent),
            reproduce: vec![self.reproduce()],
            ..Failure::default()
        }
    }

    /// The `nc` command that sends the same bytes by hand.
    fn reproduce(&self) -> String {
        let target = &self.by_hand;
        if self.sent.is_empty() {
            return format!("nc {target}    (and type nothing)");
        }
        // -N: nc closes its sending side when printf's output ends, so that the server sees the
        // end of the input (and nc does not wait for the idle timeout).
        let send = format!("printf '{}' | nc -N {target}", printf_escape(&self.sent));
        match self.pace {
            Pace::OneWrite => send,
            Pace::Bytewise => format!(
                "{send}    (nc sends it in one piece; to cut it into bytes, put wiretap between: \
                 cargo run -q --bin wiretap -- tcp --listen 127.0.0.1:9000 --to {} --chunk 1, \
                 and send to port 9000)",
                target.replace(' ', ":")
            ),
        }
    }
}

/// Says how `got` differs from `expected`, in a sentence.
fn wrong_reply(got: &[u8], expected: &[u8]) -> String {
    match got.iter().zip(expected).position(|(a, b)| a != b) {
        Some(at) => format!(
            "Wrong reply: it differs from the expected one from byte {} on (counting from 1); \
             compare the two below",
            at + 1
        ),
        None if got.is_empty() => "No reply: nothing arrived where a reply was expected".into(),
        None => format!(
            "The reply stopped short: {} of the {} bytes expected arrived",
            got.len(),
            expected.len()
        ),
    }
}

/// `bytes` as quoted text in which only the bytes that are not UTF-8 are escaped (`\xff`), for
/// a request that is text but for a byte or two: `"UPPER \xff\xfe\n"` reads better than the
/// hex that [`show_bytes`] shows for anything that is not all text. Long ones are cut, as
/// `show_bytes` cuts them.
pub fn show_text_and_bytes(bytes: &[u8]) -> String {
    const SHOWN: usize = 64;
    let mut text = String::from("\"");
    for chunk in bytes[..bytes.len().min(SHOWN)].utf8_chunks() {
        text.extend(chunk.valid().chars().flat_map(char::escape_debug));
        for byte in chunk.invalid() {
            text.push_str(&format!("\\x{byte:02x}"));
        }
    }
    text.push('"');
    if bytes.len() > SHOWN {
        text.push_str(&format!(" ... ({} more bytes)", bytes.len() - SHOWN));
    }
    text
}

/// `bytes` written for the shell's `printf '...'`: printable ASCII as is, the rest escaped
/// (octal, which every `printf` understands).
pub fn printf_escape(bytes: &[u8]) -> String {
    let mut text = String::new();
    for &byte in bytes {
        match byte {
            b'\n' => text.push_str("\\n"),
            b'\r' => text.push_str("\\r"),
            b'\t' => text.push_str("\\t"),
            b'\\' => text.push_str("\\\\"),
            b'%' => text.push_str("%%"),
            b'\'' => text.push_str("'\\''"),
            b' '..=b'~' => text.push(byte as char),
            _ => text.push_str(&format!("\\{byte:03o}")),
        }
    }
    text
}

fn explain(error: &std::io::Error) -> String {
    match error.kind() {
        ErrorKind::ConnectionReset => "the server reset the connection".to_string(),
        ErrorKind::BrokenPipe => "the server had closed the connection".to_string(),
        ErrorKind::WouldBlock | ErrorKind::TimedOut => "timed out".to_string(),
        _ => error.to_string(),
    }
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

/// How long one try of [`connect_in_tries`] waits.
const CONNECT_TRY: Duration = Duration::from_millis(100);

/// Connects to `address` within `timeout`, in tries of [`CONNECT_TRY`].
///
/// Why tries: a connection that finds the server's listen queue full (a one-at-a-time server
/// with `listen(1)`, just after a flood of connections) is dropped without a word, and the
/// kernel sends it again only a second later, then three. A new try every 100 ms gets in as
/// soon as the queue has room. A server that never answers still fails after `timeout`.
fn connect_in_tries(address: SocketAddr, timeout: Duration) -> std::io::Result<TcpStream> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match TcpStream::connect_timeout(
            &address,
            left.min(CONNECT_TRY).max(Duration::from_millis(1)),
        ) {
            Err(error) if error.kind() == ErrorKind::TimedOut && left > CONNECT_TRY => {}
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::time::Duration;

    use super::{Conn, End, KEPT_BYTES, printf_escape, show_text_and_bytes};
    use crate::probe::fake_server;

    #[test]
    fn show_text_and_bytes_escapes_only_what_is_not_utf8() {
        assert_eq!(
            show_text_and_bytes(b"UPPER \xff\xfe\n"),
            r#""UPPER \xff\xfe\n""#
        );
        assert_eq!(show_text_and_bytes("Zoë".as_bytes()), r#""Zoë""#);
        assert_eq!(
            show_text_and_bytes(&[b'a'; 70]),
            format!("\"{}\" ... (6 more bytes)", "a".repeat(64))
        );
    }

    #[test]
    fn printf_escape_keeps_text_and_escapes_the_rest() {
        assert_eq!(printf_escape(b"Ada"), "Ada");
        assert_eq!(printf_escape(b"UPPER hi\r\n"), "UPPER hi\\r\\n");
        assert_eq!(printf_escape(&[0xff, 0xfe]), "\\377\\376");
        assert_eq!(printf_escape(b"100% it's"), "100%% it'\\''s");
    }

    #[test]
    fn a_flooding_server_fills_at_most_the_kept_bytes_and_the_rest_is_counted() {
        let (address, server) = fake_server(|mut stream| {
            let chunk = vec![b'x'; 64 * 1024];
            // 8 MiB, then close: far more than a connection keeps.
            for _ in 0..128 {
                if stream.write_all(&chunk).is_err() {
                    break;
                }
            }
        })
        .expect("a fake server");
        let mut conn = Conn::connect(address).expect("connects");
        assert!(conn.closes_within(Duration::from_secs(10)));
        server.join().expect("the fake server ran");
        assert_eq!(conn.end(), Some(&End::Closed));
        assert_eq!(conn.received().len(), KEPT_BYTES);
        let failure = conn.mismatch(0, b"hi", "", "a flood");
        let received = failure.received.expect("what came");
        assert!(
            received.contains(", then 7340032 more bytes (not kept"),
            "{received}"
        );
    }

    #[test]
    fn bytes_a_step_asks_for_are_kept_beyond_the_limit() {
        let size = KEPT_BYTES + 10;
        let (address, server) = fake_server(move |mut stream| {
            stream
                .write_all(&vec![7u8; size])
                .expect("the fake server sends");
        })
        .expect("a fake server");
        let mut conn = Conn::connect(address).expect("connects");
        let all = conn.read_to_close(size).expect("all of it");
        assert_eq!(all.len(), size);
        server.join().expect("the fake server ran");
    }

    #[test]
    fn a_connection_that_ends_says_how() {
        // The reset waits until the client is connected: a reset during `Conn::connect` would
        // fail the connect instead (seen on a loaded machine).
        let (connected, wait_for_client) = std::sync::mpsc::channel::<()>();
        let (address, server) = fake_server(move |stream| {
            let _ = wait_for_client.recv();
            socket2::SockRef::from(&stream)
                .set_linger(Some(Duration::ZERO))
                .expect("SO_LINGER");
        })
        .expect("a fake server");
        let mut conn = Conn::connect(address).expect("connects");
        connected.send(()).expect("the fake server waits");
        server.join().expect("the fake server ran");
        assert!(conn.closes_within(Duration::from_secs(5)));
        assert_eq!(conn.end(), Some(&End::Reset));
        assert!(!conn.closed());
        let failure = conn.expect(b"x").expect_err("nothing came");
        assert_eq!(
            failure.received.as_deref(),
            Some("nothing, then the connection failed: the server reset the connection")
        );
    }
}
