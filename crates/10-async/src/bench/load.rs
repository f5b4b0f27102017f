//! The load generator of `concurrency-bench`: many clients of lesson 8's protocol on ONE
//! thread, with `mio` (the same event loop as `poll-server`, on the client's side).
//!
//! Each client runs a closed loop: it sends a request, waits for the reply, checks it byte for
//! byte, and sends the next one at once; after `session` requests it says `QUIT`, expects
//! `BYE` and the close, and connects again as a new client. So a server that serves one client
//! at a time still gets every client in turn, and the clients never pause: the server's speed
//! alone sets the pace. One thread for every client matters on a small machine: a thread per
//! client (lesson 8's `load-client`) would compete with the server for the processors.
//!
//! A run has a warm-up (every client connected and busy) and then a measured window. Replies
//! that arrive in the window count for the throughput; their latencies (send to reply; for a
//! session's first request, from the moment the client wanted to connect) make the
//! percentiles, together with the age, at the end of the window, of every request still
//! waiting: a request that waited the whole window is not left out.

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

/// How many connections may be on their way at once: more would overflow the server's listen
/// queue, and the kernel would drop them (to be retried a second later).
const MOST_CONNECTING: usize = 256;

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Clients at once.
    pub clients: usize,
    /// Requests per connection, before `QUIT` and a new connection.
    pub session: usize,
    /// Time for every client to connect and get going, not measured.
    pub warmup: Duration,
    /// The measured window.
    pub window: Duration,
}

/// What a run measured.
#[derive(Debug)]
pub struct Outcome {
    /// Replies received in the window.
    pub replies: u64,
    /// The window's length, in seconds.
    pub seconds: f64,
    /// Every latency of the window, sorted (see the module's header).
    pub latencies: Vec<Duration>,
    /// Connections that failed (refused, reset) and were tried again.
    pub failed_connections: u64,
}

impl Outcome {
    /// Replies per second in the window.
    pub fn throughput(&self) -> f64 {
        self.replies as f64 / self.seconds
    }

    /// The latency that `percent` % of the requests did not exceed (nearest rank).
    pub fn percentile(&self, percent: f64) -> Duration {
        super::percentile(&self.latencies, percent)
    }
}

/// Where one client is in its loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for its turn to connect.
    Queued,
    /// `connect` started, not finished.
    Connecting,
    /// A request sent, its reply not complete.
    Waiting,
    /// `QUIT` sent: `BYE` and the close expected.
    Quitting,
}

/// One client.
struct Client {
    socket: Option<TcpStream>,
    state: State,
    /// Requests answered in this session.
    done: usize,
    /// When the current request (or the connection before a session's first) started.
    started: Instant,
    received: Vec<u8>,
    /// The client's two requests, `UPPER ...` and `REVERSE ...`, sent in turn, and the reply
    /// each must get: made once, so that the load costs the generator as little as it can.
    requests: [(Vec<u8>, Vec<u8>); 2],
}

/// Runs `settings.clients` clients against the server at `address`.
pub fn run(address: SocketAddr, settings: Settings) -> Result<Outcome> {
    let mut load = Load::new(address, settings)?;
    load.run()
}

struct Load {
    address: SocketAddr,
    settings: Settings,
    poll: Poll,
    clients: Vec<Client>,
    queue: VecDeque<usize>,
    connecting: usize,
    window: Option<(Instant, Instant)>,
    replies: u64,
    latencies: Vec<Duration>,
    failed_connections: u64,
}

impl Load {
    fn new(address: SocketAddr, settings: Settings) -> Result<Load> {
        let now = Instant::now();
        let clients = (0..settings.clients)
            .map(|number| Client {
                socket: None,
                state: State::Queued,
                done: 0,
                started: now,
                received: Vec::with_capacity(128),
                requests: requests_of(number),
            })
            .collect();
        Ok(Load {
            address,
            settings,
            poll: Poll::new().context("could not create the load generator's poller")?,
            clients,
            queue: (0..settings.clients).collect(),
            connecting: 0,
            window: None,
            replies: 0,
            latencies: Vec::new(),
            failed_connections: 0,
        })
    }

    fn run(&mut self) -> Result<Outcome> {
        let mut events = Events::with_capacity(1024);
        let started = Instant::now();
        let window_start = started + self.settings.warmup;
        let window_end = window_start + self.settings.window;
        loop {
            self.start_connections()?;
            self.poll
                .poll(&mut events, Some(Duration::from_millis(5)))
                .or_else(|error| match error.kind() {
                    ErrorKind::Interrupted => Ok(()),
                    _ => Err(error),
                })
                .context("could not wait for events")?;
            let now = Instant::now();
            if self.window.is_none() && now >= window_start {
                self.window = Some((now, window_end));
            }
            if now >= window_end {
                return Ok(self.finish(now));
            }
            for event in events.iter() {
                self.serve(event.token().0)?;
            }
        }
    }

    /// Starts connections for queued clients, a few at a time.
    fn start_connections(&mut self) -> Result<()> {
        while self.connecting < MOST_CONNECTING {
            let Some(index) = self.queue.pop_front() else {
                return Ok(());
            };
            let mut socket =
                TcpStream::connect(self.address).context("could not start a connection")?;
            self.poll
                .registry()
                .register(
                    &mut socket,
                    Token(index),
                    Interest::READABLE | Interest::WRITABLE,
                )
                .context("could not register a client")?;
            let client = &mut self.clients[index];
            client.socket = Some(socket);
            client.state = State::Connecting;
            self.connecting += 1;
        }
        Ok(())
    }

    /// Moves client `index` on after an event.
    fn serve(&mut self, index: usize) -> Result<()> {
        let client = &mut self.clients[index];
        let Some(socket) = client.socket.as_mut() else {
            return Ok(());
        };
        match client.state {
            State::Queued => Ok(()),
            State::Connecting => {
                let status = connection_status(socket);
                match status {
                    Connection::Pending => return Ok(()),
                    Connection::Failed => {
                        self.connecting -= 1;
                        return self.reconnect(index, true);
                    }
                    Connection::Made => {}
                }
                self.connecting -= 1;
                client.state = State::Waiting;
                client.done = 0;
                // The first request's latency counts from when the client wanted to connect.
                let started = client.started;
                self.send_request(index)?;
                self.clients[index].started = started;
                // Its reply may be there already.
                self.receive(index)
            }
            State::Waiting | State::Quitting => self.receive(index),
        }
    }

    /// Reads what has arrived for client `index`, and acts on each whole reply.
    fn receive(&mut self, index: usize) -> Result<()> {
        let mut buffer = [0u8; 4096];
        loop {
            let client = &mut self.clients[index];
            let Some(socket) = client.socket.as_mut() else {
                return Ok(());
            };
            match socket.read(&mut buffer) {
                Ok(0) => {
                    if client.state == State::Quitting && client.received == b"BYE\n" {
                        return self.reconnect(index, false);
                    }
                    bail!(
                        "the server closed the connection, expected {:?} (got {:?})",
                        String::from_utf8_lossy(&client.requests[client.done % 2].1),
                        String::from_utf8_lossy(&client.received)
                    );
                }
                Ok(count) => client.received.extend_from_slice(&buffer[..count]),
                Err(error) if error.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                // A server may drop a client (one-at-a-time servers under a flood): try again.
                Err(error) if error.kind() == ErrorKind::ConnectionReset => {
                    return self.reconnect(index, true);
                }
                Err(error) => {
                    return Err(error).context("a client's connection failed");
                }
            }
            let client = &mut self.clients[index];
            if client.state != State::Waiting || !client.received.ends_with(b"\n") {
                continue;
            }
            let expected = &client.requests[client.done % 2].1;
            if client.received != *expected {
                bail!(
                    "wrong reply: expected {:?}, got {:?}",
                    String::from_utf8_lossy(expected),
                    String::from_utf8_lossy(&client.received)
                );
            }
            let now = Instant::now();
            if let Some((start, end)) = self.window
                && now >= start
                && now < end
            {
                self.replies += 1;
                self.latencies.push(now - client.started);
            }
            client.done += 1;
            client.received.clear();
            if client.done >= self.settings.session {
                client.state = State::Quitting;
                write_whole(client.socket.as_mut(), b"QUIT\n")?;
            } else {
                self.send_request(index)?;
                // One request in flight, and its whole reply read: nothing more can be waiting,
                // and the next reply brings an event of its own. (Reading on until "would
                // block" would cost one more system call per request.)
                return Ok(());
            }
        }
    }

    /// Sends client `index`'s next request.
    fn send_request(&mut self, index: usize) -> Result<()> {
        let client = &mut self.clients[index];
        client.started = Instant::now();
        let (request, _) = &client.requests[client.done % 2];
        write_whole(client.socket.as_mut(), request)
    }

    /// Closes client `index`'s connection and puts it back in the queue to connect again.
    fn reconnect(&mut self, index: usize, failed: bool) -> Result<()> {
        let client = &mut self.clients[index];
        if let Some(mut socket) = client.socket.take() {
            let _ = self.poll.registry().deregister(&mut socket);
        }
        client.state = State::Queued;
        client.received.clear();
        client.started = Instant::now();
        if failed {
            self.failed_connections += 1;
            if self.failed_connections > 10 * self.settings.clients as u64 + 1000 {
                bail!("{} connections failed", self.failed_connections);
            }
        }
        self.queue.push_back(index);
        Ok(())
    }

    /// The outcome at the end of the window: requests still waiting count with their age.
    fn finish(&mut self, now: Instant) -> Outcome {
        let (start, end) = self.window.unwrap_or((now, now));
        for client in &self.clients {
            if client.state != State::Quitting {
                self.latencies
                    .push(end.saturating_duration_since(client.started));
            }
        }
        self.latencies.sort_unstable();
        Outcome {
            replies: self.replies,
            seconds: end.saturating_duration_since(start).as_secs_f64(),
            latencies: std::mem::take(&mut self.latencies),
            failed_connections: self.failed_connections,
        }
    }
}

/// Client `number`'s two requests and their replies.
fn requests_of(number: usize) -> [(Vec<u8>, Vec<u8>); 2] {
    let text = format!("client {number} says hello");
    let reversed: String = text.chars().rev().collect();
    [
        (
            format!("UPPER {text}\n"),
            format!("{}\n", text.to_uppercase()),
        ),
        (format!("REVERSE {text}\n"), format!("{reversed}\n")),
    ]
    .map(|(request, reply)| (request.into_bytes(), reply.into_bytes()))
}

/// How a non-blocking `connect` is doing.
enum Connection {
    Pending,
    Made,
    Failed,
}

/// Asks the socket whether its `connect` has finished (mio's way: the error, then the peer).
fn connection_status(socket: &TcpStream) -> Connection {
    match socket.take_error() {
        Ok(None) => {}
        Ok(Some(_)) | Err(_) => return Connection::Failed,
    }
    match socket.peer_addr() {
        Ok(_) => Connection::Made,
        Err(error) if error.kind() == ErrorKind::NotConnected => Connection::Pending,
        Err(_) => Connection::Failed,
    }
}

/// Writes `data` in one go: a request is a few dozen bytes, and a client has at most one
/// request in flight, so its send buffer always has room.
fn write_whole(socket: Option<&mut TcpStream>, data: &[u8]) -> Result<()> {
    let socket = socket.context("no connection")?;
    match socket.write(data) {
        Ok(count) if count == data.len() => Ok(()),
        Ok(count) => bail!(
            "only {count} of {} bytes of a request were sent",
            data.len()
        ),
        Err(error) => Err(error).context("could not send a request"),
    }
}
