//! Lesson 10: one thread, many sockets. What `poll-server` and `async-server` share: lesson 8's
//! line protocol, the numbers `STATS` reports, the options, and the limit on open files.
//!
//! The protocol is the one of lesson 8's `threaded-server` and `pool-server`, byte for byte
//! (a lesson never depends on another lesson, so its few lines are written again here). One
//! reply line per request line; lines end in `\n`, and a `\r` before it is dropped:
//!
//! | request | reply |
//! |---|---|
//! | `UPPER text` | `TEXT` (all of Unicode); `UPPER` alone gives an empty line |
//! | `REVERSE text` | `txet` (characters, not bytes) |
//! | `STATS` | `clients 3 active 2 lines 17` (see [`Counts`]) |
//! | `QUIT` | `BYE`, then the server closes the connection |
//! | anything else | `ERR unknown command` |
//! | a line that is not UTF-8 | `ERR not UTF-8`, and the session goes on |
//! | a line over 1024 bytes | `ERR line too long`, then the server closes the connection |
//!
//! Nothing here touches a socket: [`answer`] turns one request line into its reply, whichever
//! way the server waits for its sockets. The walkthrough is `lessons/10-async.md`.

pub mod bench;

use std::net::SocketAddr;
use std::time::Duration;

use netlesson::parse_seconds;
use netlesson::show::{explain_io, show_bytes};

/// The longest request line, in bytes, without its `\n` (or `\r\n`).
pub const MAX_LINE: usize = 1024;

/// How many new connections the operating system may queue until the server accepts them:
/// thousands of clients may arrive at once.
pub const BACKLOG: i32 = 1024;

/// The options `poll-server` and `async-server` share; each adds its own `--port`.
#[derive(Debug, Clone, clap::Args)]
pub struct SharedOptions {
    /// Address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (every network interface,
    /// so other machines can connect), ::1 (IPv6), or a host name
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Seconds to wait for a client that sends nothing (or reads nothing) before closing its
    /// connection
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    pub idle_timeout: Duration,

    /// The most clients served at once; the next one gets `ERR server full` and is closed.
    /// An idle client costs a few KiB here, not a thread, so the default is high
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::builder::RangedU64ValueParser::<u64>::new().range(1..=1_000_000))]
    pub max_clients: u64,

    /// Print every socket call and its result to stderr
    #[arg(long)]
    pub trace: bool,
}

impl SharedOptions {
    /// The address to listen on, from `--host` and the program's `port`.
    pub fn address(&self, port: u16) -> Result<SocketAddr, netlesson::Error> {
        netlesson::resolve(&self.host, port)
    }
}

// ANCHOR: counts
/// The numbers `STATS` reports, for the whole server.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Clients accepted since the server started (not those refused at the cap).
    pub clients: u64,
    /// Clients connected now.
    pub active: u64,
    /// Request lines answered so far, from every client (`STATS` counts itself).
    pub lines: u64,
}
// ANCHOR_END: counts

impl Counts {
    /// Counts a newly accepted client, if fewer than `max_clients` are connected.
    pub fn admit(&mut self, max_clients: u64) -> bool {
        if self.active >= max_clients {
            return false;
        }
        self.clients += 1;
        self.active += 1;
        true
    }
}

/// What the server does after a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Wait for the next request.
    Continue,
    /// Close the connection once the reply is sent (`QUIT`).
    Close,
}

// ANCHOR: answer
/// The reply to one request line (its bytes, without the `\n` or `\r\n`), counted in `counts`.
/// Lesson 8's protocol and nothing else: no sockets here, and no waiting.
pub fn answer(line: &[u8], counts: &mut Counts) -> (String, After) {
    counts.lines += 1;
    let Ok(text) = std::str::from_utf8(line) else {
        return ("ERR not UTF-8".to_string(), After::Continue);
    };
    match text {
        "QUIT" => return ("BYE".to_string(), After::Close),
        "STATS" => {
            let Counts {
                clients,
                active,
                lines,
            } = *counts;
            let report = format!("clients {clients} active {active} lines {lines}");
            return (report, After::Continue);
        }
        _ => {}
    }
    let (command, rest) = text.split_once(' ').unwrap_or((text, ""));
    let reply = match command {
        "UPPER" => rest.to_uppercase(),
        "REVERSE" => rest.chars().rev().collect(),
        _ => "ERR unknown command".to_string(),
    };
    (reply, After::Continue)
}
// ANCHOR_END: answer

/// What the start of a buffer of received bytes holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// A whole line: its bytes without `\n` (or `\r\n`), and how many bytes it took, `\n`
    /// included.
    Line(Vec<u8>, usize),
    /// More than [`MAX_LINE`] bytes without a newline.
    TooLong,
    /// No whole line yet: read more.
    Incomplete,
}

// ANCHOR: next_request
/// Looks for the next request line at the start of `received`. Nothing is removed: the caller
/// drops the bytes it has used.
pub fn next_request(received: &[u8]) -> Request {
    let Some(end) = received.iter().position(|&byte| byte == b'\n') else {
        // A line may hold MAX_LINE bytes and a `\r`; past that, no newline can save it.
        return match received.len() > MAX_LINE + 1 {
            true => Request::TooLong,
            false => Request::Incomplete,
        };
    };
    let line = received[..end]
        .strip_suffix(b"\r")
        .unwrap_or(&received[..end]);
    match line.len() > MAX_LINE {
        true => Request::TooLong,
        false => Request::Line(line.to_vec(), end + 1),
    }
}
// ANCHOR_END: next_request

/// Raises this process's limit of open files (the soft limit, often 1024) to the most the
/// system allows it (the hard limit): every connection is a file descriptor, and 10,000
/// clients need 10,000 of them. Returns the limit now in force, or `None` where there is none
/// to raise (Windows). Production servers do the same, or are started with a higher limit.
pub fn raise_open_files_limit() -> Option<u64> {
    rlimit::increase_nofile_limit(u64::MAX).ok()
}

/// The trace line of a read on a non-blocking socket: "would block" is a normal answer there,
/// not an error (it means: nothing to read now, ask again when the socket is ready).
pub fn trace_recv(capacity: usize, result: &std::io::Result<usize>, received: &[u8]) {
    if !netlesson::trace::is_enabled() {
        return;
    }
    let outcome = match result {
        Ok(0) => "0 bytes (end of stream: the peer closed its side)".to_string(),
        Ok(count) => format!("{count} bytes {}", show_bytes(&received[..*count])),
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
            "would block (nothing to read now)".to_string()
        }
        Err(error) => format!("error: {}", explain_io(error)),
    };
    netlesson::trace!("recv({capacity}) -> {outcome}");
}

/// The trace line of a write on a non-blocking socket (see [`trace_recv`]).
pub fn trace_send(data: &[u8], result: &std::io::Result<usize>) {
    if !netlesson::trace::is_enabled() {
        return;
    }
    let outcome = match result {
        Ok(count) => count.to_string(),
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
            "would block (the send buffer is full)".to_string()
        }
        Err(error) => format!("error: {}", explain_io(error)),
    };
    netlesson::trace!(
        "send({} bytes {}) -> {outcome}",
        data.len(),
        show_bytes(data)
    );
}
