//! Lesson 8, the threaded server: a new thread for each client, so that no client waits for
//! another.
//!
//! The main thread only accepts connections. Each accepted client gets a thread of its own,
//! which answers its request lines (`UPPER`, `REVERSE`, `STATS`, `QUIT`: see `src/lib.rs`)
//! until it leaves or goes quiet for `--idle-timeout`. A slow or silent client holds only its
//! own thread, and one place under `--max-clients`, the cap on clients served at once: the next
//! one is told `ERR server full` and closed. `STATS` answers from numbers that every thread shares.
//!
//! Run it with `cargo run --bin threaded-server`, then `nc 127.0.0.1 12002` in a second
//! terminal, or `cargo run --bin load-client`. The walkthrough is `lessons/08-many-clients.md`.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::thread;

use anyhow::Result;
use clap::Parser;
use lesson_concurrency::{Counts, Limits, SharedOptions, lock, serve_client};
use netlesson::log;
use netlesson::show::explain_io;

/// threaded-server's port (lesson 8 is beyond the tutorials: the course chose it).
const PORT: u16 = 12002;

/// How many new connections the operating system may queue until the accept loop takes them.
/// Many clients may arrive at once here, so the queue is longer than lessons 1 to 7's `listen(1)`
/// (std's `TcpListener::bind` asks for 128; Linux allows up to `net.core.somaxconn`, often 4096).
/// When it is full, the kernel drops new connections, and their clients retry a second later.
const BACKLOG: i32 = 1024;

/// Lesson 8's threaded server: a thread per client, every one served at once.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    /// The most clients served at once; the next one gets `ERR server full` and is closed
    #[arg(long, value_name = "N", default_value_t = 64,
          value_parser = clap::builder::RangedU64ValueParser::<u64>::new().range(1..=100_000))]
    max_clients: u64,

    #[command(flatten)]
    server: SharedOptions,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

// ANCHOR: run
fn run(options: &Options) -> Result<()> {
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    netlesson::announce(&listener)?;

    // The numbers STATS reports: one copy for the whole server, shared by every thread.
    let counts = Arc::new(Mutex::new(Counts::default()));
    loop {
        // After a failed accept (out of file descriptors, usually), this pauses and tries
        // again: clients leave meanwhile and give descriptors back.
        let (client, peer) = netlesson::server::accept(&listener);
        if !admit(&counts, options.max_clients) {
            refuse(client, peer, options.max_clients);
            continue;
        }
        log!("accepted connection from {peer}");
        start_thread(client, peer, &counts, options.server.limits());
    }
}
// ANCHOR_END: run

// ANCHOR: start_thread
/// Serves `client` on a new thread of its own, and returns at once.
fn start_thread(client: TcpStream, peer: SocketAddr, counts: &Arc<Mutex<Counts>>, limits: Limits) {
    // One more owner of the numbers, for the new thread: `move` hands it over, with `client`.
    let shared = Arc::clone(counts);
    let started = thread::Builder::new().spawn(move || serve_client(client, peer, &shared, limits));
    // `thread::spawn` would panic when the system cannot start one more thread (too many
    // threads, no memory); `Builder::spawn` says so instead, and the server carries on.
    if let Err(error) = started {
        // The closure was dropped without running: `client` is closed, its place is free.
        lock(counts).active -= 1;
        log!("client {peer}: no thread for it: {}", explain_io(&error));
    }
}
// ANCHOR_END: start_thread

// ANCHOR: admit
/// Counts a newly accepted client, if fewer than `max_clients` are connected.
fn admit(counts: &Mutex<Counts>, max_clients: u64) -> bool {
    // Check and count under one lock, so that the number cannot change in between.
    let mut counts = lock(counts);
    if counts.active >= max_clients {
        return false;
    }
    counts.clients += 1;
    counts.active += 1;
    true
}
// ANCHOR_END: admit

/// Tells a client that came past the cap why it is turned away, and closes its connection.
fn refuse(mut client: TcpStream, peer: SocketAddr, max_clients: u64) {
    // A new connection's send buffer is empty, so this write does not wait for the client.
    let sent = client.write_all(b"ERR server full\n");
    let outcome = match sent {
        Ok(()) => "sent ERR server full, closed".to_string(),
        Err(error) => format!("could not send ERR server full: {}", explain_io(&error)),
    };
    log!("client {peer}: {max_clients} clients are connected already (--max-clients): {outcome}");
}
