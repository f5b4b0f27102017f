//! The chat benchmark of lessons 9 and 10: `chat-server` (a thread per member, two in fact)
//! and `async-chat-server` (tokio tasks on one thread), in the same busy room.
//!
//! For each room size it starts a fresh server of each kind, joins that many members from
//! ONE thread (`lesson_async::bench::chat`), a few of which never read, and has every member
//! say a line every `--interval` for `--seconds`. Each line should reach every other member
//! that reads: the table says how many did (per second, and as a share), how long they took
//! from send to receipt (p50, p99, max), the server's processor time per delivered line, which
//! members were dropped, and the server's threads and memory. The last rows are a room far
//! busier than the server can serve (`--busy-interval`): there, what matters is that members
//! who do not read are dropped and the others' waits stay bounded.
//!
//! Run it with `just bench-chat`, or:
//!
//! ```sh
//! cargo build --release -p lesson-chat -p lesson-async --bins
//! cargo run --release --bin chat-bench
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_async::bench::{self, Sampler, Server, chat, ms};
use netlesson::parse_seconds;

/// Measures chat-server and async-chat-server with many members in one room.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Room sizes, one pair of rows each
    #[arg(long, value_name = "N", value_delimiter = ',', default_value = "100,1000",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(2..=5000))]
    members: Vec<usize>,

    /// Each member says one line this often
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    interval: Duration,

    /// The last rows: the largest room, each member saying a line this often
    #[arg(long, value_name = "SECONDS", default_value = "0.1", value_parser = parse_seconds)]
    busy_interval: Duration,

    /// Leave out the last rows, the busy room
    #[arg(long)]
    no_busy: bool,

    /// Members of each room that never read what arrives
    #[arg(long, value_name = "N", default_value_t = 5)]
    slow: usize,

    /// Seconds measured per row, once everyone has joined
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    seconds: Duration,

    /// Seconds of reading after the window, for lines still on their way
    #[arg(long, value_name = "SECONDS", default_value = "3", value_parser = parse_seconds)]
    drain: Duration,
}

/// A server to measure.
struct Contender {
    label: &'static str,
    program: PathBuf,
    args: &'static [&'static str],
}

fn main() -> ExitCode {
    netlesson::finish(run(&Options::parse()), None)
}

fn run(options: &Options) -> Result<()> {
    lesson_async::raise_open_files_limit();
    let contenders = [
        Contender {
            label: "chat-server",
            program: bench::sibling("chat-server")?,
            args: &["--port", "0", "--max-clients", "10000"],
        },
        Contender {
            label: "async-chat-server",
            program: bench::sibling("async-chat-server")?,
            args: &["--port", "0", "--max-clients", "100000"],
        },
    ];
    if cfg!(debug_assertions) {
        println!("note: this is a debug build, much slower than release: use `just bench-chat`\n");
    }
    println!(
        "one load generator (one thread); {} members of each room never read; every member says \
         a line every interval, each at its own moment; {} measured, then {} more of reading; \
         share = deliveries / (lines x other readers); CPU/line = the server's processor time / \
         deliveries; dropped: members that never read, and members that read, dropped by the \
         server\n",
        options.slow,
        netlesson::show::seconds(options.seconds),
        netlesson::show::seconds(options.drain),
    );
    println!(
        "{:<18} {:>7} {:>6} {:>8} {:>11} {:>7} {:>8} {:>8} {:>8} {:>9} {:>12} {:>8} {:>9}",
        "server",
        "members",
        "every",
        "lines/s",
        "delivered/s",
        "share",
        "p50 ms",
        "p99 ms",
        "max ms",
        "µs/line",
        "slow, others",
        "threads",
        "peak RSS"
    );
    let mut rows: Vec<(usize, Duration)> = options
        .members
        .iter()
        .map(|&members| (members, options.interval))
        .collect();
    if let Some(&largest) = options.members.iter().max()
        && !options.no_busy
    {
        rows.push((largest, options.busy_interval));
    }
    for (members, interval) in rows {
        for contender in &contenders {
            let settings = chat::Settings {
                members,
                slow: options.slow.min(members - 2),
                interval,
                window: options.seconds,
                drain: options.drain,
            };
            measure(contender, settings)
                .with_context(|| format!("{} with {members} members", contender.label))?;
        }
    }
    Ok(())
}

/// Starts a fresh server, runs the room against it, samples it, and prints its row.
fn measure(contender: &Contender, settings: chat::Settings) -> Result<()> {
    let server = Server::start(&contender.program, contender.args)?;
    let pid = server.pid();
    // The sampler starts once everyone has joined, with the measured window.
    let mut sampler = None;
    let outcome = chat::run(server.address, settings, || sampler = Sampler::start(pid))?;
    let usage = sampler.map(Sampler::stop);
    let share = outcome.delivered as f64 / outcome.expected.max(1) as f64;
    let (per_line, threads, memory) = match usage {
        Some(usage) => (
            format!(
                "{:.1}",
                1e6 * usage.cpu_seconds / outcome.delivered.max(1) as f64
            ),
            usage.threads.to_string(),
            format!("{:.1} MiB", usage.rss_kib as f64 / 1024.0),
        ),
        None => ("-".into(), "-".into(), "-".into()),
    };
    let dropped = format!(
        "{} of {}, {}",
        outcome.slow_dropped, settings.slow, outcome.readers_dropped
    );
    println!(
        "{:<18} {:>7} {:>6} {:>8.0} {:>11.0} {:>6.1}% {:>8.1} {:>8.1} {:>8.1} {per_line:>9} {dropped:>12} {threads:>8} {memory:>9}",
        contender.label,
        settings.members,
        netlesson::show::seconds(settings.interval),
        outcome.sent as f64 / outcome.seconds,
        outcome.delivered_per_second(),
        100.0 * share,
        ms(outcome.percentile(50.0)),
        ms(outcome.percentile(99.0)),
        ms(outcome.percentile(100.0)),
    );
    Ok(())
}
