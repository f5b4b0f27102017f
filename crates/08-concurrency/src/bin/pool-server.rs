//! Lesson 8, the pool server: a fixed number of worker threads serve the clients.
//!
//! At start it creates `--workers` threads (4 unless told otherwise). The main thread accepts
//! connections and puts each into a channel; each worker takes the next connection out of the
//! channel, serves that client to the end (the protocol of `src/lib.rs`), then takes the next.
//! However many clients come, the server has `--workers` + 1 threads. The price: while every
//! worker is busy, the next client waits in the channel, however little it wants. Two limits
//! keep that wait bounded: a worker serves one client for at most `--client-deadline` (a
//! client that trickles a byte now and then never goes quiet), and at most `--max-waiting`
//! clients wait for a worker; the next one is told `ERR server busy` and closed.
//! `--workers 1` is a server of lessons 1 to 7: one client at a time.
//!
//! Run it with `cargo run --bin pool-server`, then `nc 127.0.0.1 12003` in a second terminal,
//! or `cargo run --bin load-client -- --port 12003`. The walkthrough is
//! `lessons/08-many-clients.md`.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_concurrency::{Counts, Limits, SharedOptions, lock, serve_client};
use netlesson::log;
use netlesson::show::explain_io;

/// pool-server's port (lesson 8 is beyond the tutorials: the course chose it).
const PORT: u16 = 12003;

/// How many new connections the operating system may queue until the accept loop takes them.
/// Many clients may arrive at once here, so the queue is longer than lessons 1 to 7's `listen(1)`
/// (std's `TcpListener::bind` asks for 128; Linux allows up to `net.core.somaxconn`, often 4096).
/// When it is full, the kernel drops new connections, and their clients retry a second later.
const BACKLOG: i32 = 1024;

/// Lesson 8's pool server: a fixed number of worker threads take turns serving the clients.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    /// How many worker threads serve clients; with all of them busy, the next client waits
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1024))]
    workers: usize,

    /// The most clients waiting for a worker; the next one gets `ERR server busy` and is
    /// closed (with 4 workers and the default --client-deadline, the last one waiting waits
    /// at most 16 minutes, and usually far less: see lesson 8)
    #[arg(long, value_name = "N", default_value_t = 64,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000))]
    max_waiting: usize,

    /// Seconds one client may hold a worker in all, however busy it keeps it (a client that
    /// sends a byte now and then never goes quiet), before its connection is closed so that
    /// the next client gets the worker
    #[arg(long, value_name = "SECONDS", default_value = "60",
          value_parser = netlesson::parse_seconds)]
    client_deadline: Duration,

    #[command(flatten)]
    server: SharedOptions,
}

/// An accepted connection on its way to a worker.
type Accepted = (TcpStream, SocketAddr);

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

fn run(options: &Options) -> Result<()> {
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    let counts = Arc::new(Mutex::new(Counts::default()));

    // ANCHOR: workers
    // One channel: the main thread sends accepted connections in, the workers take them out.
    // A `Receiver` has a single owner, so the workers share it behind a Mutex.
    let (to_workers, from_acceptor) = mpsc::channel::<Accepted>();
    let from_acceptor = Arc::new(Mutex::new(from_acceptor));
    // How many connections are in the channel, waiting for a worker (for --max-waiting).
    let waiting = Arc::new(AtomicUsize::new(0));
    for number in 1..=options.workers {
        let connections = Arc::clone(&from_acceptor);
        let counts = Arc::clone(&counts);
        let waiting = Arc::clone(&waiting);
        let limits = Limits {
            client_deadline: Some(options.client_deadline),
            ..options.server.limits()
        };
        thread::Builder::new()
            .name(format!("worker {number}"))
            .spawn(move || work(&connections, &waiting, &counts, limits))
            .with_context(|| format!("could not start worker thread {number}"))?;
    }
    // ANCHOR_END: workers
    netlesson::announce(&listener)?;

    // ANCHOR: accept
    loop {
        // After a failed accept (out of file descriptors, usually), this pauses and tries
        // again: clients leave meanwhile and give descriptors back.
        let (client, peer) = netlesson::server::accept(&listener);
        // Counted in before it is sent: a worker may take it out at once.
        if waiting.fetch_add(1, Ordering::SeqCst) >= options.max_waiting {
            waiting.fetch_sub(1, Ordering::SeqCst);
            turn_away(client, peer, options.max_waiting);
            continue;
        }
        {
            let mut counts = lock(&counts);
            counts.clients += 1;
            counts.active += 1;
        }
        log!("accepted connection from {peer}");
        if to_workers.send((client, peer)).is_err() {
            anyhow::bail!("every worker thread has stopped");
        }
    }
    // ANCHOR_END: accept
}

/// Tells a client that came past --max-waiting that the server is busy, and closes.
fn turn_away(mut client: TcpStream, peer: SocketAddr, max_waiting: usize) {
    // A new connection's send buffer is empty, so this write does not wait for the client.
    let outcome = match client.write_all(b"ERR server busy\n") {
        Ok(()) => "sent ERR server busy, closed".to_string(),
        Err(error) => format!("could not send ERR server busy: {}", explain_io(&error)),
    };
    let waiting = match max_waiting {
        1 => "1 client waits".to_string(),
        many => format!("{many} clients wait"),
    };
    log!("client {peer}: {waiting} for a worker already (--max-waiting): {outcome}");
}

// ANCHOR: work
/// A worker: takes the next accepted connection out of the channel, serves that client to the
/// end (or to `--client-deadline`), and takes the next one; forever, or until the channel
/// closes.
fn work(
    connections: &Mutex<Receiver<Accepted>>,
    waiting: &AtomicUsize,
    counts: &Mutex<Counts>,
    limits: Limits,
) {
    loop {
        // The lock is held only while waiting for the next connection: the guard is a
        // temporary, dropped at the end of this statement, so that the other workers can take
        // the following connections while this one serves its client.
        let next = lock(connections).recv();
        let Ok((client, peer)) = next else {
            return; // the sender is gone: the server is stopping
        };
        waiting.fetch_sub(1, Ordering::SeqCst);
        serve_client(client, peer, counts, limits);
    }
}
// ANCHOR_END: work
