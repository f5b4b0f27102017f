//! Lesson 8, the load client: many clients at once against `threaded-server` or `pool-server`,
//! each checking every reply, and how fast the server answered them.
//!
//! It starts `--clients` threads. Each connects, and when all are connected they start
//! together: each sends `--requests` requests, one at a time (`UPPER client 7 request 1`, then
//! `REVERSE client 7 request 2`, ...), waits for each reply and checks it exactly, then sends
//! `QUIT` and expects `BYE` and the close. At the end it prints, in this fixed format:
//!
//! ```text
//! 100 clients x 100 requests: 10000 replies, all correct, in 0.412 s
//! throughput: 24271 requests/s
//! latency: p50 0.120 ms, p99 1.900 ms, max 12.000 ms
//! ```
//!
//! Latency is the time from sending a request to having its whole reply; p50 is the median,
//! p99 the latency that 99 requests in 100 did not exceed, and max the longest wait of all. A wrong reply, or a client
//! that cannot connect or gets no reply, makes it print one `error: ...` line (naming the
//! first client that failed) and exit with 1.
//!
//! Run it with `cargo run --bin load-client -- --clients 100 --requests 100` while
//! threaded-server runs (add `--port 12003` for pool-server). The walkthrough is
//! `lessons/08-many-clients.md`.

use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::framing::read_line;
use netlesson::report::Limit;
use netlesson::{ClientOptions, Traced};

/// threaded-server's port; pool-server's is 12003.
const PORT: u16 = 12002;

/// The longest reply line we accept: the server's replies are never longer than a request.
const MAX_REPLY: usize = 4096;

/// Lesson 8's load client: many clients at once, every reply checked, latency measured.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port of the server: 12002 is threaded-server's, 12003 pool-server's
    #[arg(long, default_value_t = PORT)]
    port: u16,

    /// How many clients connect at once, each on a thread of its own
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000))]
    clients: usize,

    /// How many requests each client sends, one after another
    #[arg(long, value_name = "M", default_value_t = 100,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    requests: usize,

    #[command(flatten)]
    client: ClientOptions,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.client.trace);
    let timeout = Limit::timeout(options.client.timeout);
    netlesson::finish(run(options), Some(timeout))
}

// ANCHOR: run
fn run(options: Options) -> Result<()> {
    let options = Arc::new(options);
    // Every client waits at the barrier once connected, and so does this thread: when all
    // have arrived, they start sending together and we start the clock.
    let start_line = Arc::new(Barrier::new(options.clients + 1));
    let mut clients = Vec::new();
    for number in 1..=options.clients {
        let (options, start_line) = (Arc::clone(&options), Arc::clone(&start_line));
        let client = thread::Builder::new()
            .spawn(move || run_client(number, &options, &start_line))
            // Returning ends the program, and with it the clients that wait at the barrier.
            .with_context(|| format!("could not start the thread of client {number}"))?;
        clients.push(client);
    }
    start_line.wait();
    let started = Instant::now();

    // Each client's latencies, in client order; the first failure, and how many failed.
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for (number, client) in (1..).zip(clients) {
        match client.join() {
            Ok(Ok(times)) => latencies.extend(times),
            Ok(Err(error)) => failures.push(error.context(format!("client {number}"))),
            Err(_) => failures.push(anyhow::anyhow!("client {number}: its thread crashed")),
        }
    }
    let elapsed = started.elapsed();
    let failed = failures.len();
    if let Some(first) = failures.into_iter().next() {
        // The other failures are usually the same problem: the first one says what it is.
        let clients = options.clients;
        return Err(first.context(format!("{failed} of {clients} clients failed; the first")));
    }
    print_results(&options, &mut latencies, elapsed);
    Ok(())
}
// ANCHOR_END: run

/// The server whose default port is `port`, for the "is ... running?" of a refused connection.
fn server_on(port: u16) -> &'static str {
    match port {
        12003 => "pool-server",
        12004 => "poll-server",
        12005 => "async-server",
        _ => "threaded-server",
    }
}

// ANCHOR: client
/// One client: connects, waits at the start line, sends its requests one by one and checks
/// each reply, then says `QUIT`. Returns the latency of each request.
fn run_client(number: usize, options: &Options, start_line: &Barrier) -> Result<Vec<Duration>> {
    let connected = netlesson::connect(&options.client, options.port, server_on(options.port));
    // Wait even if the connection failed: every client must arrive, or the others wait forever.
    start_line.wait();
    let server = connected?;
    let mut replies = BufReader::new(&server);
    let mut requests = &server;

    let mut latencies = Vec::with_capacity(options.requests);
    for request in 1..=options.requests {
        let (line, expected) = request_and_reply(number, request);
        let sent = Instant::now();
        let reply = exchange(&mut requests, &mut replies, &line)?;
        latencies.push(sent.elapsed());
        if reply != expected {
            bail!("sent {line:?}, expected {expected:?}, got {reply:?}");
        }
    }
    let bye = exchange(&mut requests, &mut replies, "QUIT")?;
    if bye != "BYE" {
        bail!("sent \"QUIT\", expected \"BYE\", got {bye:?}");
    }
    match read_line(&mut replies, MAX_REPLY).context("could not receive the close")? {
        None => Ok(latencies),
        Some(extra) => bail!("after \"BYE\" the server sent {extra:?} instead of closing"),
    }
}

/// The `request`th request of client `number`, and the reply it must get: UPPER and REVERSE
/// in turn, with text that names the client and the request, so that every reply differs.
fn request_and_reply(number: usize, request: usize) -> (String, String) {
    let text = format!("client {number} request {request}");
    match request % 2 {
        1 => (format!("UPPER {text}"), text.to_uppercase()),
        _ => (format!("REVERSE {text}"), text.chars().rev().collect()),
    }
}
// ANCHOR_END: client

/// Sends one request line and receives one reply line.
fn exchange(
    requests: &mut &Traced<TcpStream>,
    replies: &mut BufReader<&Traced<TcpStream>>,
    line: &str,
) -> Result<String> {
    requests
        .write_all(format!("{line}\n").as_bytes())
        .with_context(|| format!("could not send {line:?}"))?;
    match read_line(replies, MAX_REPLY).with_context(|| format!("no reply to {line:?}"))? {
        Some(reply) => Ok(reply),
        None => bail!("sent {line:?}, and the server closed the connection without a reply"),
    }
}

// ANCHOR: results
/// Prints the totals, throughput and latency percentiles, in the fixed format of the header.
fn print_results(options: &Options, latencies: &mut [Duration], elapsed: Duration) {
    let replies = latencies.len();
    println!(
        "{} clients x {} requests: {replies} replies, all correct, in {:.3} s",
        options.clients,
        options.requests,
        elapsed.as_secs_f64()
    );
    println!(
        "throughput: {:.0} requests/s",
        replies as f64 / elapsed.as_secs_f64()
    );
    latencies.sort();
    println!(
        "latency: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        milliseconds(percentile(latencies, 50)),
        milliseconds(percentile(latencies, 99)),
        milliseconds(percentile(latencies, 100))
    );
}

/// The latency that `percent` % of the requests did not exceed (the nearest rank in `sorted`).
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    let rank = (sorted.len() * percent).div_ceil(100).max(1);
    sorted.get(rank - 1).copied().unwrap_or_default()
}
// ANCHOR_END: results

fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
