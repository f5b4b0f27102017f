//! The server side: a listening socket, the ready line, the loop that serves clients one after
//! another, and the `--client-deadline` watchdog that keeps any one client from holding it.

use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, Socket, Type};

use crate::report::{Limit, describe};
use crate::show::{explain_io, seconds};
use crate::{Error, ServerOptions, Traced, log, trace};

/// Creates a TCP socket listening on `address`, step by step as lesson 1 shows:
/// `socket`, `setsockopt(SO_REUSEADDR)`, `bind`, `listen(backlog)`.
///
/// `backlog` is how many connections the operating system may queue while the program is busy
/// with another client (Python's `listen(1)` or `listen(5)`). `SO_REUSEADDR` lets a restarted
/// server bind its port at once, even while connections of its previous run are still in the
/// `TIME_WAIT` state (`std::net::TcpListener::bind` does all four steps in one call and, on
/// Unix, sets `SO_REUSEADDR` too, with a fixed backlog of 128).
///
/// ```
/// let listener = netlesson::listen("127.0.0.1:0".parse()?, 5)?;
/// let address = listener.local_addr()?;
/// assert_ne!(address.port(), 0, "port 0 means: the operating system picks a free port");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn listen(address: SocketAddr, backlog: i32) -> Result<TcpListener, Error> {
    let failed = |source| Error::Listen { address, source };
    let socket = Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )
    .map_err(failed)?;
    socket.set_reuse_address(true).map_err(failed)?;
    socket.bind(&address.into()).map_err(failed)?;
    socket.listen(backlog).map_err(failed)?;
    trace!("socket(), setsockopt(SO_REUSEADDR), bind({address}), listen({backlog}) -> ok");
    Ok(socket.into())
}

/// Prints `listening on <ip>:<port>` with the port actually bound, and flushes it at once.
///
/// This is every server's first line on stdout. With `--port 0` it is the only way to learn
/// which port the operating system chose; tests and the demo runner wait for it instead of
/// sleeping and hoping the server is ready.
///
/// ```
/// let listener = netlesson::listen("127.0.0.1:0".parse()?, 1)?;
/// let address = netlesson::announce(&listener)?; // prints: listening on 127.0.0.1:<port>
/// assert_eq!(address, listener.local_addr()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn announce(listener: &TcpListener) -> Result<SocketAddr, Error> {
    print_ready_line(listener.local_addr())
}

/// [`announce`] for a UDP server: prints `listening on <ip>:<port>` for the socket's address.
///
/// A UDP socket never *listens* (there are no connections to accept: it just receives
/// datagrams once it is bound), but the line is the same for every server of the course,
/// because tests and the demo runner wait for it.
///
/// ```
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let address = netlesson::announce_udp(&socket)?; // prints: listening on 127.0.0.1:<port>
/// assert_eq!(address, socket.local_addr()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn announce_udp(socket: &UdpSocket) -> Result<SocketAddr, Error> {
    print_ready_line(socket.local_addr())
}

fn print_ready_line(address: io::Result<SocketAddr>) -> Result<SocketAddr, Error> {
    let address = address.map_err(|source| Error::Io {
        call: "getsockname",
        source,
    })?;
    log!("listening on {address}");
    Ok(address)
}

/// Serves clients one after another: accept, `handle`, close, repeat (or stop after one client
/// with `--once`).
///
/// Around each client it prints `accepted connection from <client>`, then either
/// `closed connection from <client>` or, when `handle` failed, one line
/// `client <client>: <what went wrong>`. A client that misbehaves never stops the server:
/// its error is reported, its connection closed, and the next client served.
/// Every connection gets `--idle-timeout` as its read and write timeout, so a client that
/// sends nothing (or never reads) is dropped instead of blocking the server forever, and
/// `--client-deadline` bounds how long one client may hold the server in all (see [`Deadline`]).
///
/// The `Traced` stream prints each `recv` and `send` when `--trace` is on.
/// A failed `accept` is retried after a pause (see [`accept`]).
/// Returns only if `--once` is set.
pub fn serve(
    listener: &TcpListener,
    options: &ServerOptions,
    mut handle: impl FnMut(&mut Traced<TcpStream>, SocketAddr) -> anyhow::Result<()>,
) -> Result<(), Error> {
    loop {
        let (client, peer) = accept(listener);
        log!("accepted connection from {peer}");
        let deadline = Deadline::start(&client, options.client_deadline);
        let result = serve_one(client, peer, options.idle_timeout, &mut handle);
        report_client(peer, deadline.finish(result), options.idle_timeout);
        if options.once {
            return Ok(());
        }
    }
}

/// How long [`accept`] waits before it tries again after a failed `accept`.
pub const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// Waits for the next client and returns its connection and address: every server's accept
/// loop calls this, so that all of them treat a failed `accept` the same way.
///
/// `accept` fails when the process has used up its file descriptors (`too many open files`:
/// every connection is one, and `ulimit -n` caps them), or the system its memory. Trying again
/// at once fails again, as fast as the processor can go: a loop that logs each failure writes a
/// million lines in 3 s and keeps a core busy (measured with chat-server under `ulimit -n 64`).
/// So after a failure this pauses [`ACCEPT_PAUSE`] before each new try, which gives clients
/// time to leave and give descriptors back, and says so once per burst of failures, not once
/// per failure:
///
/// ```text
/// accept failed: too many open files (...); trying again every 100 ms until it works
/// accepting again after 31 failed tries (3.1 s)
/// ```
///
/// (The connection that could not be accepted waits in the listen queue meanwhile, and is
/// accepted as soon as a descriptor is free.) Production servers do the same, and also stop
/// accepting below a cap of their own, before the system's limit is reached.
pub fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    let mut failures = AcceptFailures::default();
    loop {
        match listener.accept() {
            Ok((client, peer)) => {
                failures.succeeded(peer);
                return (client, peer);
            }
            Err(error) => {
                failures.failed(&error);
                thread::sleep(ACCEPT_PAUSE);
            }
        }
    }
}

/// A burst of failed accepts, for the servers that cannot sleep in [`accept`] (an event loop
/// serves every client from the thread that accepts; a tokio task sleeps with tokio): they
/// pause [`ACCEPT_PAUSE`] their own way, and say what [`accept`] says, once per burst.
///
/// ```
/// let mut failures = netlesson::server::AcceptFailures::default();
/// let error = std::io::Error::from_raw_os_error(24); // EMFILE: too many open files
/// failures.failed(&error); // prints `accept failed: ...; trying again every 100 ms ...`
/// failures.failed(&error); // prints nothing: the same burst
/// let peer = "127.0.0.1:50000".parse().expect("an address");
/// failures.succeeded(peer); // prints `accepting again after 2 failed tries (0.0 s)`
/// ```
#[derive(Debug, Default)]
pub struct AcceptFailures {
    /// How many tries have failed in a row.
    failed: u64,
    /// When the first of them failed.
    since: Option<Instant>,
}

impl AcceptFailures {
    /// Records a failed `accept`: the first of a burst is said, with what the server does.
    pub fn failed(&mut self, error: &io::Error) {
        trace!("accept() -> error: {}", explain_io(error));
        if self.failed == 0 {
            log!(
                "accept failed: {}; trying again every {} until it works",
                explain_io(error),
                seconds(ACCEPT_PAUSE)
            );
            self.since = Some(Instant::now());
        }
        self.failed += 1;
    }

    /// Records an `accept` that worked (of `peer`): it ends a burst, if there was one, with
    /// `accepting again after N failed tries (X s)`.
    pub fn succeeded(&mut self, peer: SocketAddr) {
        trace!("accept() -> {peer}");
        if self.failed > 0 {
            let tries = match self.failed {
                1 => "1 failed try".to_string(),
                many => format!("{many} failed tries"),
            };
            let lasted = self.since.map(|since| since.elapsed()).unwrap_or_default();
            log!(
                "accepting again after {tries} ({})",
                seconds_rounded(lasted)
            );
        }
        *self = AcceptFailures::default();
    }
}

/// A duration to a tenth of a second, for people: `3.1 s`.
fn seconds_rounded(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

/// Serves one client with `handle`; the connection closes when `client` is dropped, on return.
fn serve_one(
    client: TcpStream,
    peer: SocketAddr,
    idle_timeout: Duration,
    handle: &mut impl FnMut(&mut Traced<TcpStream>, SocketAddr) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    set_timeouts(&client, idle_timeout)?;
    let mut client = Traced::new(client);
    handle(&mut client, peer)
}

/// Prints how serving `peer` ended: `closed connection from <peer>`, or one line naming the
/// client and what was wrong with it (a timed-out read says how long the server waited, with
/// `idle_timeout`, the server's `--idle-timeout`).
///
/// For servers that write their own accept loop (lesson 1); [`serve`] calls it for you.
///
/// ```
/// use std::time::Duration;
///
/// let peer = "127.0.0.1:51234".parse()?;
/// let idle_timeout = Duration::from_secs(10);
/// netlesson::server::report_client(peer, Ok(()), idle_timeout);
/// // prints: closed connection from 127.0.0.1:51234
/// netlesson::server::report_client(peer, Err(anyhow::anyhow!("sent garbage")), idle_timeout);
/// // prints: client 127.0.0.1:51234: sent garbage
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn report_client(peer: SocketAddr, result: anyhow::Result<()>, idle_timeout: Duration) {
    match result {
        Ok(()) => log!("closed connection from {peer}"),
        Err(problem) => {
            let idle = Limit::idle_timeout(idle_timeout);
            log!("client {peer}: {}", describe(&problem, Some(idle)));
        }
    }
}

/// Gives a freshly accepted connection the server's `--idle-timeout` for reads and writes.
pub fn set_timeouts(client: &TcpStream, idle_timeout: Duration) -> io::Result<()> {
    client.set_read_timeout(Some(idle_timeout))?;
    client.set_write_timeout(Some(idle_timeout))
}

/// The watchdog behind `--client-deadline`: it closes a client's connection once the client
/// has held the server that long.
///
/// Why it exists: a server that serves one client at a time belongs to that client until it
/// leaves. `--idle-timeout` drops a client that goes quiet, but one that sends a byte every few
/// seconds restarts that timeout each time, and could hold the server for ever while every
/// other client waits. So a second thread, the watchdog, waits for the deadline and then shuts
/// the connection down, which wakes the serving thread from the read or write it is blocked in.
/// [`Deadline::finish`] stops the watchdog, and says whether it had to act.
///
/// This is a stopgap. Production servers serve each client in its own thread or task (lesson
/// 8), so a slow client delays only itself; they still limit each connection's time and bytes.
///
/// ```
/// use std::io::Read;
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
/// use netlesson::server::Deadline;
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let _client = TcpStream::connect(listener.local_addr()?)?;
/// let (mut connection, _) = listener.accept()?;
///
/// // The client sends nothing; without the deadline this read would wait for ever.
/// let deadline = Deadline::start(&connection, Duration::from_millis(100));
/// let read = connection.read(&mut [0u8; 16]).map(|_| ()).map_err(anyhow::Error::from);
/// let error = deadline.finish(read).unwrap_err();
/// assert_eq!(error.to_string(), "held the server for 100 ms (--client-deadline): closed");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Deadline {
    limit: Duration,
    watchdog: Result<Watchdog, io::Error>,
}

/// The watchdog thread, and the channel that cancels it: dropping `cancel` wakes it at once.
#[derive(Debug)]
struct Watchdog {
    cancel: mpsc::Sender<()>,
    thread: thread::JoinHandle<bool>,
}

/// What [`Deadline::finish`] returns when the deadline passed:
/// `held the server for 60 s (--client-deadline): closed`.
#[derive(Debug, thiserror::Error)]
#[error("held the server for {} (--client-deadline): closed", seconds(*limit))]
pub struct DeadlineExpired {
    /// The deadline, `--client-deadline`.
    pub limit: Duration,
}

impl Deadline {
    /// Starts watching `client`: when `limit` has passed before [`Deadline::finish`], the
    /// connection is shut down.
    ///
    /// If the watchdog cannot start (the process is out of threads or file descriptors), the
    /// connection is shut down at once, so the client cannot hold the server unwatched, and
    /// `finish` says why.
    pub fn start(client: &TcpStream, limit: Duration) -> Deadline {
        let watchdog = start_watchdog(client, limit);
        if watchdog.is_err() {
            let _ = client.shutdown(Shutdown::Both);
        }
        Deadline { limit, watchdog }
    }

    /// Stops the watchdog and returns `result`, the result of serving the client, unless the
    /// deadline passed first: then the client's problem is that it held the server too long.
    pub fn finish(self, result: anyhow::Result<()>) -> anyhow::Result<()> {
        let watchdog = match self.watchdog {
            Ok(watchdog) => watchdog,
            Err(error) => {
                return Err(anyhow::Error::new(error).context(
                    "could not start the --client-deadline watchdog, so it was not served",
                ));
            }
        };
        // Dropping the only sender wakes the watchdog: its wait ends with "disconnected".
        drop(watchdog.cancel);
        let expired = watchdog.thread.join().unwrap_or(false);
        match expired {
            true => Err(DeadlineExpired { limit: self.limit }.into()),
            false => result,
        }
    }
}

fn start_watchdog(client: &TcpStream, limit: Duration) -> io::Result<Watchdog> {
    // A second handle on the same connection, for the watchdog thread to shut it down with.
    let connection = client.try_clone()?;
    let (cancel, cancelled) = mpsc::channel::<()>();
    let thread = thread::Builder::new()
        .name("client-deadline".into())
        .spawn(move || match cancelled.recv_timeout(limit) {
            Err(RecvTimeoutError::Timeout) => {
                // Both directions: the serving thread's read returns 0 bytes, its write fails.
                let result = connection.shutdown(Shutdown::Both);
                trace!(
                    "shutdown(SHUT_RDWR) -> {} (--client-deadline)",
                    match result {
                        Ok(()) => "ok".to_string(),
                        Err(error) => format!("error: {}", explain_io(&error)),
                    }
                );
                true
            }
            // Cancelled: the client was served in time.
            _ => false,
        })?;
    Ok(Watchdog { cancel, thread })
}
