//! Lesson 8: many clients at once. What `threaded-server` and `pool-server` share: the line
//! protocol they speak, the numbers `STATS` reports, and the loop that serves one client.
//!
//! The two servers differ only in how they hand accepted connections to threads: one new
//! thread per client, or a fixed pool of worker threads fed by a channel. Whichever thread
//! runs it, a client is served by [`serve_client`]. The walkthrough is
//! `lessons/08-many-clients.md`.
//!
//! The protocol is exercise `command-server`'s (lesson 4), plus `STATS`. One reply line per
//! request line; lines end in `\n`, and a `\r` before it is dropped:
//!
//! | request | reply |
//! |---|---|
//! | `UPPER text` | `TEXT` (all of Unicode: `straße` gives `STRASSE`); `UPPER` alone gives an empty line |
//! | `REVERSE text` | `txet` (characters, not bytes) |
//! | `STATS` | `clients 3 active 2 lines 17` (see [`Counts`]) |
//! | `QUIT` | `BYE`, then the server closes the connection |
//! | anything else | `ERR unknown command` (commands are case-sensitive: `upper` is unknown) |
//! | a line that is not UTF-8 | `ERR not UTF-8`, and the session goes on |
//! | a line over 1024 bytes | `ERR line too long`, then the server closes the connection |

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use netlesson::framing::{FrameError, read_until_delimiter, send_all};
use netlesson::server::Deadline;
use netlesson::{Traced, parse_seconds};

/// The longest request line, in bytes, without its `\n` (or `\r\n`).
pub const MAX_LINE: usize = 1024;

/// The options both servers share; each adds its own `--port` and `--max-clients` or
/// `--workers`.
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

    /// Print every socket call and its result to stderr
    #[arg(long)]
    pub trace: bool,
}

/// The time limits of each client.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `--idle-timeout`: how long a client may send nothing (or read nothing).
    pub idle_timeout: Duration,
    /// pool-server's `--client-deadline`: how long a client may hold a worker in all; `None`
    /// for threaded-server, where a client holds nothing but its own thread.
    pub client_deadline: Option<Duration>,
}

impl SharedOptions {
    /// Each client's time limits, without a `--client-deadline`.
    pub fn limits(&self) -> Limits {
        Limits {
            idle_timeout: self.idle_timeout,
            client_deadline: None,
        }
    }

    /// The address to listen on, from `--host` and the program's `port`.
    pub fn address(&self, port: u16) -> Result<SocketAddr, netlesson::Error> {
        netlesson::resolve(&self.host, port)
    }
}

// ANCHOR: protocol
/// What the server answers to one request line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Send this line (the `\n` is added when it is sent).
    Line(String),
    /// Send the server's numbers, [`Counts::report`].
    Stats,
    /// Send `BYE`, then close the connection.
    Bye,
}

/// The reply to one request line (decoded, without its line ending). The protocol and nothing
/// else: no sockets and no threads here, so it is the same for every server.
pub fn reply_to(line: &str) -> Reply {
    match line {
        "QUIT" => return Reply::Bye,
        "STATS" => return Reply::Stats,
        _ => {}
    }
    // The command is the line up to its first space; the text is everything after it.
    let (command, text) = line.split_once(' ').unwrap_or((line, ""));
    match command {
        "UPPER" => Reply::Line(text.to_uppercase()),
        // Characters, not bytes: the bytes of `ë` reversed would not be UTF-8 any more.
        "REVERSE" => Reply::Line(text.chars().rev().collect()),
        _ => Reply::Line("ERR unknown command".to_string()),
    }
}
// ANCHOR_END: protocol

// ANCHOR: counts
/// The numbers `STATS` reports, for the whole server: every client's thread changes them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Clients accepted since the server started (not those refused at the cap).
    pub clients: u64,
    /// Clients connected now (in `pool-server`, also those waiting for a worker).
    pub active: u64,
    /// Request lines answered so far, from every client (`STATS` counts itself).
    pub lines: u64,
}
// ANCHOR_END: counts

impl Counts {
    /// The `STATS` reply: `clients 3 active 2 lines 17`.
    pub fn report(&self) -> String {
        format!(
            "clients {} active {} lines {}",
            self.clients, self.active, self.lines
        )
    }
}

// ANCHOR: lock
/// Locks `shared`: what it guards is ours until the guard is dropped. `lock()` fails only if a
/// thread panicked while it held the lock ("poisoned"); ours never do, and numbers cannot be
/// left half-changed anyway, so we take them as they are rather than fail every later client.
pub fn lock<T>(shared: &Mutex<T>) -> MutexGuard<'_, T> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}
// ANCHOR_END: lock

// ANCHOR: serve_client
/// Serves one client to the end, on whichever thread calls it, and prints how it ended. The
/// caller counted the client in `clients` and `active` when it accepted it; this gives back
/// its place in `active`. With a `limits.client_deadline`, a client still connected after it
/// is closed (netlesson's `Deadline` watchdog, as in the one-at-a-time servers of lessons 1-7).
pub fn serve_client(client: TcpStream, peer: SocketAddr, counts: &Mutex<Counts>, limits: Limits) {
    let idle_timeout = limits.idle_timeout;
    let result = match limits.client_deadline {
        Some(limit) => {
            let deadline = Deadline::start(&client, limit);
            deadline.finish(answer_requests(client, counts, idle_timeout))
        }
        None => answer_requests(client, counts, idle_timeout),
    };
    // Leave `active` before saying so: whoever reads the line can count on it.
    lock(counts).active -= 1;
    netlesson::server::report_client(peer, result, idle_timeout);
}
// ANCHOR_END: serve_client

// ANCHOR: answer_requests
/// Reads request lines from `client` and answers each one, until the client sends `QUIT` or
/// closes the connection. The connection closes when this returns.
fn answer_requests(
    client: TcpStream,
    counts: &Mutex<Counts>,
    idle_timeout: Duration,
) -> Result<()> {
    netlesson::server::set_timeouts(&client, idle_timeout).context("could not set timeouts")?;
    let client = Traced::new(client);
    // Requests are read through a buffer (lesson 5's lines); replies are written directly.
    let mut requests = BufReader::new(&client);
    let mut replies = &client;
    loop {
        let line = match read_request(&mut requests)? {
            Request::Line(line) => line,
            Request::Closed => return Ok(()),
            Request::TooLong => {
                // We no longer know where the next line starts: say why, and hang up.
                drop(count_line(counts));
                send_line(&mut replies, "ERR line too long")?;
                bail!("sent a line over {MAX_LINE} bytes");
            }
        };
        // A line that is not text is still a whole line: the next one starts after it.
        let reply = match std::str::from_utf8(&line) {
            Ok(text) => reply_to(text),
            Err(_) => Reply::Line("ERR not UTF-8".to_string()),
        };
        let counted = count_line(counts);
        let text = match &reply {
            Reply::Line(text) => text.clone(),
            Reply::Stats => counted.report(),
            Reply::Bye => "BYE".to_string(),
        };
        // Unlock before sending: a send can wait for a slow client, and while one thread holds
        // the lock, every other thread that wants it waits too.
        drop(counted);
        send_line(&mut replies, &text)?;
        if reply == Reply::Bye {
            return Ok(());
        }
    }
}
// ANCHOR_END: answer_requests

/// Counts one more request line answered, and returns the numbers, still locked.
///
/// A line is counted before its reply is sent: a client that has its reply can be sure that
/// the next `STATS`, from any client, counts it. `STATS` counts itself, under the same lock.
fn count_line(counts: &Mutex<Counts>) -> MutexGuard<'_, Counts> {
    let mut counts = lock(counts);
    counts.lines += 1;
    counts
}

/// What [`read_request`] found in the stream.
enum Request {
    /// A whole line, without its `\n` (or `\r\n`).
    Line(Vec<u8>),
    /// More than [`MAX_LINE`] bytes without a newline.
    TooLong,
    /// The client closed the connection between two lines.
    Closed,
}

/// Reads the next request line (lesson 5's `read_until_delimiter`, with a limit).
fn read_request(requests: &mut impl BufRead) -> Result<Request> {
    // A line may hold MAX_LINE bytes and a `\r` before its `\n`.
    match read_until_delimiter(requests, b"\n", MAX_LINE + 1) {
        Ok(None) => Ok(Request::Closed),
        Ok(Some(mut line)) => {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            match line.len() > MAX_LINE {
                true => Ok(Request::TooLong),
                false => Ok(Request::Line(line)),
            }
        }
        Err(FrameError::NoDelimiter { .. }) => Ok(Request::TooLong),
        Err(error) => Err(error).context("could not receive a request"),
    }
}

/// Sends `text` and its `\n` in one write (two writes would be two packets, and with Nagle's
/// algorithm a delay: see lesson 5).
fn send_line(replies: &mut impl Write, text: &str) -> Result<()> {
    send_all(replies, format!("{text}\n").as_bytes()).context("could not send a reply")
}
