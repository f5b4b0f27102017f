//! Lesson 10, the event loop: lesson 8's protocol for many clients at once, on ONE thread.
//!
//! No call here ever waits for one client. Every socket is non-blocking: a read with nothing
//! to read returns at once with `WouldBlock` instead of waiting. The one place the thread
//! waits is `poll`, which asks the operating system (epoll on Linux, kqueue on macOS, through
//! the `mio` crate) which sockets are ready, and sleeps until one is, or until the nearest
//! idle deadline. Then it serves exactly those sockets, as far as each can go without waiting,
//! and asks again. Each client is a small state machine (a [`Connection`]): the bytes of its
//! requests not yet answered, its replies not yet sent, its deadline. This is what tokio does
//! underneath `async-server`.
//!
//! Run it with `cargo run --bin poll-server`, then `nc 127.0.0.1 12004` in a second terminal,
//! or `cargo run --bin load-client -- --port 12004`. The walkthrough is `lessons/10-async.md`.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use clap::Parser;
use lesson_async::{
    After, BACKLOG, Counts, Request, SharedOptions, answer, next_request, trace_recv, trace_send,
};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use netlesson::framing::FrameError;
use netlesson::server::{ACCEPT_PAUSE, AcceptFailures};
use netlesson::show::explain_io;
use netlesson::{log, trace};

/// poll-server's port (lesson 10 is beyond the tutorials: the course chose it).
const PORT: u16 = 12004;

/// The listening socket's token: how `poll` tells us which socket is ready.
const LISTENER: Token = Token(0);

/// How much one read takes from a socket at most.
const READ_SIZE: usize = 4096;

/// A client that sends requests but does not read the replies: once this many bytes of
/// replies wait for it, we stop reading its requests until it reads (backpressure).
const MAX_WAITING_REPLIES: usize = 64 * 1024;

/// Lesson 10's event loop: one thread serves every client of lesson 8's protocol.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    server: SharedOptions,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

fn run(options: &Options) -> Result<()> {
    lesson_async::raise_open_files_limit();
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    // Non-blocking: `accept` with no client waiting returns `WouldBlock` instead of waiting.
    listener.set_nonblocking(true)?;
    netlesson::announce(&listener)?;
    let mut server = Server::new(TcpListener::from_std(listener), &options.server)?;
    server.run()
}

// ANCHOR: connection
/// One client, between two events: everything we must remember about it, because no thread
/// sits in a function for it.
struct Connection {
    socket: TcpStream,
    peer: SocketAddr,
    /// Bytes received and not yet answered: part of a line, or several lines.
    received: Vec<u8>,
    /// Replies not yet sent (the socket's send buffer was full).
    replies: Vec<u8>,
    /// When it will be dropped if nothing moves: now + --idle-timeout, after each read or write.
    deadline: Instant,
    /// Whether we stop once the replies are sent: after `QUIT`, a line too long, or the end
    /// of the client's stream.
    ending: Option<Ending>,
}

/// Why a connection ends once its replies are sent.
enum Ending {
    /// `QUIT`, or the client closed its side between two lines: `closed connection from ...`.
    Closed,
    /// A problem with the client, printed as `client <address>: <problem>`.
    Problem(anyhow::Error),
}
// ANCHOR_END: connection

/// The whole server: the poller, the listening socket, every client, and the numbers.
struct Server {
    poll: Poll,
    listener: TcpListener,
    connections: HashMap<Token, Connection>,
    /// Every connection's deadline, soonest first, so the loop knows how long it may sleep. An
    /// entry may be early: activity only moves the connection's own `deadline`, and an entry
    /// is checked against it when its time comes (one change per idle period, not per read).
    deadlines: BTreeSet<(Instant, Token)>,
    next_token: usize,
    counts: Counts,
    idle_timeout: Duration,
    max_clients: u64,
    /// Set when `accept` failed: do not try again before then.
    accept_paused_until: Option<Instant>,
    /// The failed accepts of this burst, said once (as every server says them).
    accept_failures: AcceptFailures,
}

impl Server {
    fn new(mut listener: TcpListener, options: &SharedOptions) -> Result<Server> {
        let poll = Poll::new().context("could not create the poller (epoll)")?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)
            .context("could not register the listening socket")?;
        Ok(Server {
            poll,
            listener,
            connections: HashMap::new(),
            deadlines: BTreeSet::new(),
            next_token: 1,
            counts: Counts::default(),
            idle_timeout: options.idle_timeout,
            max_clients: options.max_clients,
            accept_paused_until: None,
            accept_failures: AcceptFailures::default(),
        })
    }

    // ANCHOR: event_loop
    /// The event loop: wait until something is ready, serve it, repeat. The only place this
    /// thread waits.
    fn run(&mut self) -> Result<()> {
        let mut events = Events::with_capacity(1024);
        loop {
            let timeout = self.time_until_next_deadline();
            match self.poll.poll(&mut events, timeout) {
                Ok(()) => {}
                Err(error) if error.kind() == ErrorKind::Interrupted => continue,
                Err(error) => return Err(error).context("could not wait for events (epoll_wait)"),
            }
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.accept_all(),
                    token => self.serve(token),
                }
            }
            self.drop_idle_clients(Instant::now());
            self.accept_after_a_pause(Instant::now());
        }
    }
    // ANCHOR_END: event_loop

    /// How long `poll` may sleep: until the nearest deadline (or the end of an accept pause).
    fn time_until_next_deadline(&self) -> Option<Duration> {
        let nearest = self.deadlines.first().map(|&(deadline, _)| deadline);
        let nearest = match (nearest, self.accept_paused_until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        nearest.map(|instant| instant.saturating_duration_since(Instant::now()))
    }

    // ANCHOR: accept_all
    /// Accepts every client waiting in the listen queue, until `accept` says "would block".
    /// (`mio` reports a change of readiness once: what is not taken now brings no new event.)
    fn accept_all(&mut self) {
        if self
            .accept_paused_until
            .is_some_and(|until| Instant::now() < until)
        {
            return;
        }
        self.accept_paused_until = None;
        loop {
            match self.listener.accept() {
                Ok((socket, peer)) => {
                    self.accept_failures.succeeded(peer);
                    self.admit(socket, peer);
                }
                Err(error) if error.kind() == ErrorKind::WouldBlock => return,
                Err(error) => {
                    self.accept_failures.failed(&error);
                    // Usually out of file descriptors: let clients leave first. (Sleeping here
                    // would stop every client; the loop wakes up for it instead.)
                    self.accept_paused_until = Some(Instant::now() + ACCEPT_PAUSE);
                    return;
                }
            }
        }
    }
    // ANCHOR_END: accept_all

    /// Tries to accept again once a pause after a failed `accept` is over: the clients that
    /// waited meanwhile bring no new event (`mio` reports readiness when it changes).
    fn accept_after_a_pause(&mut self, now: Instant) {
        if self.accept_paused_until.is_some_and(|until| now >= until) {
            self.accept_all();
        }
    }

    /// Registers a new client with the poller, or turns it away past `--max-clients`.
    fn admit(&mut self, mut socket: TcpStream, peer: SocketAddr) {
        if !self.counts.admit(self.max_clients) {
            // A new connection's send buffer is empty: this write does not wait.
            let outcome = match socket.write_all(b"ERR server full\n") {
                Ok(()) => "sent ERR server full, closed".to_string(),
                Err(error) => format!("could not send ERR server full: {}", explain_io(&error)),
            };
            let max = self.max_clients;
            log!("client {peer}: {max} clients are connected already (--max-clients): {outcome}");
            return;
        }
        let token = Token(self.next_token);
        self.next_token += 1;
        // Both directions: readable when requests arrive, writable when the send buffer has
        // room again for replies that did not fit.
        let interest = Interest::READABLE | Interest::WRITABLE;
        if let Err(error) = self.poll.registry().register(&mut socket, token, interest) {
            self.counts.active -= 1;
            log!(
                "client {peer}: could not register it: {}",
                explain_io(&error)
            );
            return;
        }
        log!("accepted connection from {peer}");
        let deadline = Instant::now() + self.idle_timeout;
        self.deadlines.insert((deadline, token));
        let connection = Connection {
            socket,
            peer,
            received: Vec::new(),
            replies: Vec::new(),
            deadline,
            ending: None,
        };
        self.connections.insert(token, connection);
    }

    // ANCHOR: serve
    /// The socket of `token` is ready: move its client on as far as it goes without waiting,
    /// and close it if it is done.
    fn serve(&mut self, token: Token) {
        let Some(connection) = self.connections.get_mut(&token) else {
            return; // closed already, earlier in this round of events
        };
        match connection.advance(&mut self.counts, self.idle_timeout) {
            Ok(Some(ending)) => self.close(token, ending),
            Ok(None) => {} // waiting for the next event
            Err(problem) => self.close(token, Ending::Problem(problem)),
        }
    }
    // ANCHOR_END: serve

    /// Drops every client whose deadline has passed.
    fn drop_idle_clients(&mut self, now: Instant) {
        while let Some(&(deadline, token)) = self.deadlines.first() {
            if deadline > now {
                return;
            }
            self.deadlines.pop_first();
            let Some(connection) = self.connections.get(&token) else {
                continue;
            };
            if connection.deadline > now {
                // Something moved since: its real deadline is later.
                self.deadlines.insert((connection.deadline, token));
                continue;
            }
            let problem = match connection.replies.is_empty() {
                true => anyhow::Error::new(io::Error::from(ErrorKind::TimedOut))
                    .context("could not receive a request"),
                false => anyhow::Error::new(FrameError::PeerStoppedReading)
                    .context("could not send a reply"),
            };
            self.close(token, Ending::Problem(problem));
        }
    }

    /// Forgets client `token`, closes its socket and says how it ended.
    fn close(&mut self, token: Token, ending: Ending) {
        let Some(mut connection) = self.connections.remove(&token) else {
            return;
        };
        let _ = self.poll.registry().deregister(&mut connection.socket);
        self.counts.active -= 1;
        trace!("close()");
        let result = match ending {
            Ending::Closed => Ok(()),
            Ending::Problem(problem) => Err(problem),
        };
        // Its entry in `deadlines`, if any, finds no connection when its time comes.
        netlesson::server::report_client(connection.peer, result, self.idle_timeout);
    }
}

impl Connection {
    // ANCHOR: advance
    /// Moves the client on as far as it goes without waiting: read what has arrived, answer
    /// every whole line, send what the socket takes, and again while there is more. Returns
    /// how the connection ends, once it has; `None` while it waits for its next event.
    fn advance(&mut self, counts: &mut Counts, idle_timeout: Duration) -> Result<Option<Ending>> {
        loop {
            let mut drained = false;
            if self.ending.is_none() && self.replies.len() < MAX_WAITING_REPLIES {
                let received = self.receive().context("could not receive a request")?;
                if received.moved {
                    self.deadline = Instant::now() + idle_timeout;
                }
                drained = received.drained;
                self.answer_lines(counts);
                if received.end_of_stream && self.ending.is_none() {
                    self.ending = Some(match self.received.is_empty() {
                        true => Ending::Closed,
                        false => Ending::Problem(self.half_line()),
                    });
                }
            }
            if self.send().context("could not send a reply")? {
                self.deadline = Instant::now() + idle_timeout;
            }
            if !self.replies.is_empty() {
                return Ok(None); // the rest goes when the socket is writable again
            }
            if self.ending.is_some() {
                return Ok(self.ending.take());
            }
            if drained {
                return Ok(None); // nothing more to read now: wait for the next event
            }
            // We stopped reading at a limit, not at "would block": no event will come for
            // what is still unread, so go round again.
        }
    }
    // ANCHOR_END: advance

    // ANCHOR: receive
    /// Reads until the socket has nothing more for now ("would block"): with `mio`, readiness
    /// is reported once, so whatever is left unread would bring no new event.
    fn receive(&mut self) -> io::Result<Received> {
        let mut buffer = [0u8; READ_SIZE];
        let mut received = Received::default();
        while self.received.len() < MAX_WAITING_REPLIES {
            let result = self.socket.read(&mut buffer);
            trace_recv(buffer.len(), &result, &buffer);
            match result {
                Ok(0) => {
                    received.end_of_stream = true;
                    received.drained = true;
                    break;
                }
                Ok(count) => {
                    self.received.extend_from_slice(&buffer[..count]);
                    received.moved = true;
                }
                Err(error) if error.kind() == ErrorKind::WouldBlock => {
                    received.drained = true;
                    break;
                }
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
        Ok(received)
    }
    // ANCHOR_END: receive

    /// Answers every whole line in `received` (while the replies waiting stay under the limit),
    /// and drops the bytes used.
    fn answer_lines(&mut self, counts: &mut Counts) {
        let mut used = 0;
        while self.ending.is_none() && self.replies.len() < MAX_WAITING_REPLIES {
            let (reply, after) = match next_request(&self.received[used..]) {
                Request::Incomplete => break,
                Request::Line(line, length) => {
                    used += length;
                    answer(&line, counts)
                }
                Request::TooLong => {
                    // We no longer know where the next line starts: say why, and hang up.
                    counts.lines += 1;
                    let too_long = anyhow!("sent a line over {} bytes", lesson_async::MAX_LINE);
                    self.ending = Some(Ending::Problem(too_long));
                    used = self.received.len();
                    ("ERR line too long".to_string(), After::Continue)
                }
            };
            self.replies.extend_from_slice(reply.as_bytes());
            self.replies.push(b'\n');
            if after == After::Close {
                self.ending = Some(Ending::Closed);
            }
        }
        self.received.drain(..used);
    }

    /// Sends as much of the waiting replies as the socket takes now; true if it took any.
    fn send(&mut self) -> io::Result<bool> {
        let mut sent = 0;
        while sent < self.replies.len() {
            let result = self.socket.write(&self.replies[sent..]);
            trace_send(&self.replies[sent..], &result);
            match result {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(count) => sent += count,
                Err(error) if error.kind() == ErrorKind::WouldBlock => break,
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
        self.replies.drain(..sent);
        Ok(sent > 0)
    }

    /// The problem of a client that closed its side in the middle of a line.
    fn half_line(&self) -> anyhow::Error {
        let error = FrameError::MissingDelimiter {
            delimiter: "\"\\n\"".to_string(),
            received: self.received.len(),
        };
        anyhow::Error::new(error).context("could not receive a request")
    }
}

/// What one call of [`Connection::receive`] found.
#[derive(Default)]
struct Received {
    /// Some bytes arrived.
    moved: bool,
    /// The client closed its side (a read returned 0 bytes).
    end_of_stream: bool,
    /// The socket has nothing more for now: the next bytes will bring an event.
    drained: bool,
}
