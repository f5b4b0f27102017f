//! Lesson 8, the pool server: a fixed number of worker threads serve the clients.
//!
//! At start it creates `--workers` threads (4 unless told otherwise). The main thread accepts
//! connections and puts each into a channel; each worker takes the next connection out of the
//! channel, serves that client to the end (the protocol of `src/lib.rs`), then takes the next.
//! However many clients come, the server has `--workers` + 1 threads. The price: while every
//! worker is busy, the next client waits in the channel, however little it wants.
//! `--workers 1` is a server of lessons 1 to 7: one client at a time.
//!
//! Run it with `cargo run --bin pool-server`, then `nc 127.0.0.1 12003` in a second terminal,
//! or `cargo run --bin load-client -- --port 12003`. The walkthrough is
//! `lessons/08-many-clients.md`.

use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_concurrency::{Counts, SharedOptions, lock, serve_client};
use netlesson::show::explain_io;
use netlesson::{log, trace};

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
    for number in 1..=options.workers {
        let connections = Arc::clone(&from_acceptor);
        let counts = Arc::clone(&counts);
        let idle = options.server.idle_timeout;
        thread::Builder::new()
            .name(format!("worker {number}"))
            .spawn(move || work(&connections, &counts, idle))
            .with_context(|| format!("could not start worker thread {number}"))?;
    }
    // ANCHOR_END: workers
    netlesson::announce(&listener)?;

    loop {
        let (client, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(error) => {
                log!("accept failed: {}", explain_io(&error));
                // Usually out of file descriptors: waiting a little lets clients leave first.
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        trace!("accept() -> {peer}");
        {
            let mut counts = lock(&counts);
            counts.clients += 1;
            counts.active += 1;
        }
        log!("accepted connection from {peer}");
        // The channel has no limit: a production server would bound it and turn clients
        // away when it is full, as threaded-server's --max-clients does.
        if to_workers.send((client, peer)).is_err() {
            anyhow::bail!("every worker thread has stopped");
        }
    }
}

// ANCHOR: work
/// A worker: takes the next accepted connection out of the channel, serves that client to the
/// end, and takes the next one; forever, or until the channel closes.
fn work(connections: &Mutex<Receiver<Accepted>>, counts: &Mutex<Counts>, idle: Duration) {
    loop {
        // The lock is held only while waiting for the next connection: the guard is a
        // temporary, dropped at the end of this statement, so that the other workers can take
        // the following connections while this one serves its client.
        let next = lock(connections).recv();
        let Ok((client, peer)) = next else {
            return; // the sender is gone: the server is stopping
        };
        serve_client(client, peer, counts, idle);
    }
}
// ANCHOR_END: work
