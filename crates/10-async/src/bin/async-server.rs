//! Lesson 10, async Rust: lesson 8's protocol for many clients at once, with tokio, on ONE
//! thread.
//!
//! It reads like lesson 8's `threaded-server`: an accept loop that starts something per
//! client, and per client a loop that reads a line and answers it. But that something is a
//! *task*, not a thread: `tokio::spawn` takes an `async` block, a state machine the compiler
//! writes, and tokio's scheduler runs every task on this one thread. Each `.await` on a socket
//! that is not ready hands the thread back to the scheduler, which runs another task, and
//! comes back when the socket is ready: the event loop of `poll-server`, written for us.
//!
//! The idle limit is `tokio::time::timeout` around each read and write; `--max-clients` caps
//! the clients as in threaded-server (an idle client costs a few KiB here, so the default is
//! 10,000); `STATS` reads numbers that every task shares.
//!
//! Run it with `cargo run --bin async-server`, then `nc 127.0.0.1 12005` in a second terminal,
//! or `cargo run --bin load-client -- --port 12005`. The walkthrough is `lessons/10-async.md`.

use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use clap::Parser;
use lesson_async::{
    After, BACKLOG, Counts, MAX_LINE, Request, SharedOptions, answer, next_request, trace_recv,
};
use netlesson::framing::FrameError;
use netlesson::server::{ACCEPT_PAUSE, AcceptFailures};
use netlesson::show::explain_io;
use netlesson::{log, trace};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

/// async-server's port (lesson 10 is beyond the tutorials: the course chose it).
const PORT: u16 = 12005;

/// How much one read takes from a socket at most. The buffer is part of each client's task,
/// so it is kept small: an idle client costs about this much.
const READ_SIZE: usize = 1024;

/// Lesson 10's async server: a tokio task per client, all on one thread.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    server: SharedOptions,
}

// ANCHOR: main
fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    // The runtime: tokio's scheduler and its event loop (epoll, through mio), on this thread
    // only. `enable_all` turns on its sockets and its timers. (`#[tokio::main]` on an
    // `async fn main` writes these lines for you.)
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = match runtime {
        // `block_on` runs the future `run(...)` to its end, and every task it spawns meanwhile.
        Ok(runtime) => runtime.block_on(run(&options)),
        Err(error) => Err(error).context("could not start the tokio runtime"),
    };
    netlesson::finish(result, None)
}
// ANCHOR_END: main

// ANCHOR: run
async fn run(options: &Options) -> Result<()> {
    lesson_async::raise_open_files_limit();
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    listener.set_nonblocking(true)?; // tokio's sockets never block the thread
    netlesson::announce(&listener)?;
    let listener = TcpListener::from_std(listener)?;

    // The numbers STATS reports, shared by every task: tasks may move between threads in
    // other runtimes, so tokio asks for what threads ask for, an Arc and a lock.
    let counts = Arc::new(Mutex::new(Counts::default()));
    let idle = options.server.idle_timeout;
    let mut failures = AcceptFailures::default();
    loop {
        let (client, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                failures.failed(&error);
                // Usually out of file descriptors. A *tokio* sleep: this task waits, the
                // thread goes on serving every other client.
                tokio::time::sleep(ACCEPT_PAUSE).await;
                continue;
            }
        };
        failures.succeeded(peer);
        if !lock(&counts).admit(options.server.max_clients) {
            refuse(client, peer, options.server.max_clients);
            continue;
        }
        log!("accepted connection from {peer}");
        // ANCHOR: spawn
        // A task of its own for this client; the loop goes straight back to `accept`.
        let counts = Arc::clone(&counts);
        tokio::spawn(async move { serve_client(client, peer, &counts, idle).await });
        // ANCHOR_END: spawn
    }
}
// ANCHOR_END: run

/// Tells a client that came past the cap why it is turned away, and closes its connection.
fn refuse(client: TcpStream, peer: SocketAddr, max_clients: u64) {
    // A new connection's send buffer is empty: a non-blocking write takes the whole line.
    let outcome = match client.try_write(b"ERR server full\n") {
        Ok(_) => "sent ERR server full, closed".to_string(),
        Err(error) => format!("could not send ERR server full: {}", explain_io(&error)),
    };
    log!("client {peer}: {max_clients} clients are connected already (--max-clients): {outcome}");
}

// ANCHOR: serve_client
/// Serves one client to the end, and prints how it ended; gives back its place in `active`.
async fn serve_client(client: TcpStream, peer: SocketAddr, counts: &Mutex<Counts>, idle: Duration) {
    let result = answer_requests(client, counts, idle).await;
    lock(counts).active -= 1;
    netlesson::server::report_client(peer, result, idle);
}
// ANCHOR_END: serve_client

// ANCHOR: answer_requests
/// Reads request lines and answers each one, until the client sends `QUIT` or closes.
async fn answer_requests(
    mut client: TcpStream,
    counts: &Mutex<Counts>,
    idle: Duration,
) -> Result<()> {
    // Bytes received and not yet answered, as in poll-server; but where poll-server keeps them
    // in a struct between two events, here they are a local variable, kept across each
    // `.await` in the task's state machine.
    let mut received = Vec::new();
    loop {
        let (line, length) = match next_request(&received) {
            Request::Line(line, length) => (line, length),
            Request::Incomplete => {
                if !receive(&mut client, &mut received, idle).await? {
                    return Ok(()); // closed between two lines
                }
                continue;
            }
            Request::TooLong => {
                lock(counts).lines += 1;
                send_line(&mut client, "ERR line too long", idle).await?;
                return Err(anyhow!("sent a line over {MAX_LINE} bytes"));
            }
        };
        received.drain(..length);
        // The guard is a temporary, dropped at the end of this statement: never held across
        // an `.await` (the next line), where other tasks run and might want it.
        let (reply, after) = answer(&line, &mut lock(counts));
        send_line(&mut client, &reply, idle).await?;
        if after == After::Close {
            return Ok(());
        }
    }
}
// ANCHOR_END: answer_requests

// ANCHOR: receive
/// Waits for more bytes (at most `idle`) and adds them to `received`. Returns false if the
/// client closed its side between two lines.
async fn receive(client: &mut TcpStream, received: &mut Vec<u8>, idle: Duration) -> Result<bool> {
    let mut buffer = [0u8; READ_SIZE];
    let result = match timeout(idle, client.read(&mut buffer)).await {
        Ok(result) => result,
        Err(_elapsed) => Err(io::Error::from(ErrorKind::TimedOut)),
    };
    trace_recv(buffer.len(), &result, &buffer);
    match result.context("could not receive a request")? {
        0 if received.is_empty() => Ok(false),
        0 => {
            let half = FrameError::MissingDelimiter {
                delimiter: "\"\\n\"".to_string(),
                received: received.len(),
            };
            Err(half).context("could not receive a request")
        }
        count => {
            received.extend_from_slice(&buffer[..count]);
            Ok(true)
        }
    }
}
// ANCHOR_END: receive

/// Sends `text` and its `\n` in one write, waiting at most `idle` for the client to take it.
async fn send_line(client: &mut TcpStream, text: &str, idle: Duration) -> Result<()> {
    let line = format!("{text}\n");
    let sent = timeout(idle, client.write_all(line.as_bytes())).await;
    trace!(
        "send({} bytes {}) -> {}",
        line.len(),
        netlesson::show::show_bytes(line.as_bytes()),
        match &sent {
            Ok(Ok(())) => "ok".to_string(),
            Ok(Err(error)) => format!("error: {}", explain_io(error)),
            Err(_) => "timed out".to_string(),
        }
    );
    match sent {
        Ok(result) => result.context("could not send a reply"),
        Err(_elapsed) => Err(FrameError::PeerStoppedReading).context("could not send a reply"),
    }
}

/// Locks the numbers (a poisoned lock is taken as it is: see lesson 8's `lock`).
fn lock(counts: &Mutex<Counts>) -> MutexGuard<'_, Counts> {
    counts.lock().unwrap_or_else(PoisonError::into_inner)
}
