//! The benchmark of lessons 8 and 10: every way of serving many clients, under the same load.
//!
//! For each number of clients it starts, one after another, a fresh server of each kind:
//! lesson 8's one at a time (`pool-server --workers 1`), thread per client (`threaded-server`)
//! and pool of 4 (`pool-server --workers 4`); lesson 10's `poll-server` and `async-server`;
//! and a plain C server with epoll on one thread (`crates/03-echo/bench/command-server-epoll.c`,
//! compiled with `cc -O2`), the baseline. Against each it runs the same load generator, ONE
//! thread with many clients (`lesson_async::bench::load`: a closed loop, every reply checked),
//! for a warm-up and then a measured window, while a second thread samples the server's
//! threads and memory from `/proc`. It prints one table, the event-loop servers' ratios to the
//! C server, and what as many idle clients cost each server.
//!
//! Run it with `just bench-concurrency`, or:
//!
//! ```sh
//! cargo build --release -p lesson-concurrency -p lesson-async --bins
//! cargo run --release --bin concurrency-bench
//! ```
//!
//! Numbers depend on the machine, and the load generator shares its processors with the
//! server: compare the rows with each other. Without `/proc` (macOS, Windows) the threads,
//! memory and processor columns show `-`.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_async::bench::{self, Sampler, Server, load, ms};
use netlesson::parse_seconds;

/// Measures every server of lessons 8 and 10, and a C epoll server, under one load generator.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// How many clients at once, one row per number and server
    #[arg(long, value_name = "N", value_delimiter = ',', default_value = "1,100,1000,10000",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=20_000))]
    clients: Vec<usize>,

    /// Requests each client sends on one connection before it says QUIT and connects again
    #[arg(long, value_name = "M", default_value_t = 100,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    session: usize,

    /// Seconds measured per row, after the warm-up
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_seconds)]
    seconds: Duration,

    /// Seconds of warm-up per row (clients connect and get going), not measured
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = parse_seconds)]
    warmup: Duration,

    /// Only these servers (labels as in the table, e.g. `async-server,C epoll`); all by default
    #[arg(long, value_name = "LABELS", value_delimiter = ',')]
    only: Vec<String>,

    /// How many idle clients to connect for the last table (0: skip it)
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=20_000))]
    idle: usize,
}

/// A server to measure: its label in the table, its program and its options.
struct Contender {
    label: &'static str,
    program: PathBuf,
    args: Vec<&'static str>,
    /// The most clients it is measured with: a one-at-a-time server at 10,000 clients would
    /// keep a client waiting for minutes, which says nothing new.
    most_clients: usize,
}

/// Every server of the table, in its order.
fn contenders() -> Result<Vec<Contender>> {
    let rust = |label, name, args: &[&'static str], most_clients| -> Result<Contender> {
        let mut all = vec!["--port", "0", "--idle-timeout", "60"];
        all.extend_from_slice(args);
        Ok(Contender {
            label,
            program: bench::sibling(name)?,
            args: all,
            most_clients,
        })
    };
    let many = usize::MAX;
    let mut list = vec![
        rust(
            "one at a time",
            "pool-server",
            &["--workers", "1", "--max-waiting", "100000"],
            1000,
        )?,
        rust(
            "thread per client",
            "threaded-server",
            &["--max-clients", "100000"],
            many,
        )?,
        rust(
            "pool of 4",
            "pool-server",
            &["--workers", "4", "--max-waiting", "100000"],
            1000,
        )?,
        rust(
            "poll-server",
            "poll-server",
            &["--max-clients", "100000"],
            many,
        )?,
        rust(
            "async-server",
            "async-server",
            &["--max-clients", "100000"],
            many,
        )?,
    ];
    match bench::compile_c(
        "command-server-epoll.c",
        include_str!("../../../03-echo/bench/command-server-epoll.c"),
    ) {
        Ok(program) => list.push(Contender {
            label: "C epoll",
            program,
            args: vec!["0"],
            most_clients: many,
        }),
        Err(why) => println!("note: no C baseline: {why:#}\n"),
    }
    Ok(list)
}

/// One row of the table.
struct Row {
    label: &'static str,
    clients: usize,
    outcome: load::Outcome,
    usage: Option<bench::Usage>,
}

fn main() -> ExitCode {
    netlesson::finish(run(&Options::parse()), None)
}

fn run(options: &Options) -> Result<()> {
    // 10,000 clients are 10,000 open files here too (the servers raise their own limit).
    lesson_async::raise_open_files_limit();
    let mut contenders = contenders()?;
    if !options.only.is_empty() {
        contenders.retain(|contender| options.only.iter().any(|label| label == contender.label));
    }
    if cfg!(debug_assertions) {
        println!(
            "note: this is a debug build, much slower than release: use `just bench-concurrency`\n"
        );
    }
    println!(
        "one load generator (one thread, a closed loop: each client sends a request, checks the \
         reply, sends the next; after {} requests it says QUIT and connects again); {} of \
         warm-up (0.5 ms per client if more), then {} measured per row; p99 and max include the requests still waiting at \
         the end; CPU is the server's processor time / the window (100% = one core), µs/req \
         that time per reply\n",
        options.session,
        netlesson::show::seconds(options.warmup),
        netlesson::show::seconds(options.seconds),
    );
    println!(
        "{:<18} {:>7} {:>11} {:>8} {:>8} {:>9} {:>8} {:>10} {:>5} {:>8}",
        "server",
        "clients",
        "requests/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "threads",
        "peak RSS",
        "CPU",
        "µs/req"
    );
    let mut rows = Vec::new();
    for &clients in &options.clients {
        for contender in &contenders {
            if clients > contender.most_clients {
                println!(
                    "{:<18} {clients:>7}   (not run: each client would wait minutes for its turn)",
                    contender.label
                );
                continue;
            }
            let row = measure(contender, clients, options)
                .with_context(|| format!("{} with {clients} clients", contender.label))?;
            print_row(&row);
            rows.push(row);
        }
    }
    print_ratios(&rows);
    if options.idle > 0 {
        idle_clients(&contenders, options.idle)?;
    }
    Ok(())
}

/// Starts a fresh server, runs the load against it, and samples it during the window.
fn measure(contender: &Contender, clients: usize, options: &Options) -> Result<Row> {
    let server = Server::start(&contender.program, &contender.args)?;
    // Thousands of clients take a while to connect (a few hundred at a time): half a
    // millisecond each, at least, before the window opens.
    let warmup = options
        .warmup
        .max(Duration::from_micros(500) * clients as u32);
    let settings = load::Settings {
        clients,
        session: options.session,
        warmup,
        window: options.seconds,
    };
    let pid = server.pid();
    let (outcome, usage) = std::thread::scope(|scope| {
        let sampling = scope.spawn(move || {
            std::thread::sleep(settings.warmup);
            Sampler::start(pid)
        });
        let outcome = load::run(server.address, settings);
        let usage = sampling.join().ok().flatten().map(Sampler::stop);
        (outcome, usage)
    });
    Ok(Row {
        label: contender.label,
        clients,
        outcome: outcome?,
        usage,
    })
}

fn print_row(row: &Row) {
    let outcome = &row.outcome;
    let (threads, memory, cpu, per_request) = match &row.usage {
        Some(usage) => (
            usage.threads.to_string(),
            format!("{:.1} MiB", usage.rss_kib as f64 / 1024.0),
            format!("{:.0}%", 100.0 * usage.cpu_seconds / outcome.seconds),
            format!(
                "{:.1}",
                1e6 * usage.cpu_seconds / outcome.replies.max(1) as f64
            ),
        ),
        None => ("-".into(), "-".into(), "-".into(), "-".into()),
    };
    println!(
        "{:<18} {:>7} {:>11.0} {:>8.3} {:>8.3} {:>9.1} {threads:>8} {memory:>10} {cpu:>5} {per_request:>8}",
        row.label,
        row.clients,
        outcome.throughput(),
        ms(outcome.percentile(50.0)),
        ms(outcome.percentile(99.0)),
        ms(outcome.percentile(100.0)),
    );
}

/// The event-loop servers against the C baseline, at each number of clients.
fn print_ratios(rows: &[Row]) {
    let find = |label: &str, clients: usize| {
        rows.iter()
            .find(|row| row.label == label && row.clients == clients)
    };
    let mut lines = Vec::new();
    for row in rows.iter().filter(|row| row.label == "C epoll") {
        for label in ["poll-server", "async-server"] {
            if let Some(ours) = find(label, row.clients) {
                let (c, rust) = (&row.outcome, &ours.outcome);
                lines.push(format!(
                    "{label:<13} at {:>5} clients: {:.2}x the C server's requests/s, p99 {:.2}x its",
                    row.clients,
                    rust.throughput() / c.throughput(),
                    ms(rust.percentile(99.0)) / ms(c.percentile(99.0)).max(0.001),
                ));
            }
        }
    }
    if !lines.is_empty() {
        println!("\n{}", lines.join("\n"));
    }
}

/// What `count` connected clients that send nothing cost each server: its threads and the
/// memory it has in use (`VmRSS`), once it has accepted them all.
fn idle_clients(contenders: &[Contender], count: usize) -> Result<()> {
    println!("\n{count} idle clients connected:");
    for contender in contenders
        .iter()
        .filter(|contender| contender.most_clients >= count)
    {
        let server = Server::start(&contender.program, &contender.args)?;
        let before = bench::status_field(server.pid(), "VmRSS:");
        let mut clients = Vec::with_capacity(count);
        for _ in 0..count {
            let client = TcpStream::connect_timeout(&server.address, Duration::from_secs(10))
                .context("could not connect an idle client")?;
            clients.push(client);
        }
        if contender.label == "thread per client" {
            bench::wait_for_threads(server.pid(), count as u64 + 1, Duration::from_secs(20));
        }
        // Let the server take the last ones out of its listen queue.
        let settle = Duration::from_millis(50) + Duration::from_micros(50) * count as u32;
        std::thread::sleep(settle.min(Duration::from_millis(500)));
        let pid = server.pid();
        let (threads, rss) = (
            bench::status_field(pid, "Threads:"),
            bench::status_field(pid, "VmRSS:"),
        );
        let mib = |kib: u64| kib as f64 / 1024.0;
        match (threads, rss, before) {
            (Some(threads), Some(rss), Some(before)) => println!(
                "  {:<18} {threads:>6} threads, {:>7.1} MiB in use (VmRSS; {:.1} MiB before they came)",
                contender.label,
                mib(rss),
                mib(before)
            ),
            _ => println!(
                "  {:<18} no /proc on this system: not measured",
                contender.label
            ),
        }
        drop(clients);
    }
    Ok(())
}
