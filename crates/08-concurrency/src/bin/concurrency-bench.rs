//! Lesson 8, the benchmark: one server at a time, thread per client and a pool, at 1, 10, 100
//! and 1000 clients at once.
//!
//! For each number of clients and each server it starts a fresh server next to this program
//! (`pool-server --workers 1`, one client at a time; `threaded-server`; `pool-server
//! --workers 4`), runs `load-client` against it, and reads from `/proc/<pid>/status` how many
//! threads the server had (the most seen, sampled every millisecond) and its peak resident
//! memory (`VmHWM`). It prints one table, then what as many idle clients as the largest
//! number cost threaded-server (its threads, memory and address space, once it has a thread
//! for each). Run it with `just bench-concurrency`, or:
//!
//! ```sh
//! cargo build --release -p lesson-concurrency --bins
//! cargo run --release --bin concurrency-bench
//! ```
//!
//! Numbers depend on the machine, and `load-client` runs on the same processors as the server:
//! compare the rows with each other. Without `/proc` (macOS, Windows) the threads and memory
//! columns show `-`.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;

/// How long a server may take to print its ready line.
const PATIENCE: Duration = Duration::from_secs(10);

/// Measures the servers of lesson 8 under load.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// How many clients at once, one row per number and server
    #[arg(long, value_name = "N", value_delimiter = ',', default_value = "1,10,100,1000",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000))]
    clients: Vec<usize>,

    /// Requests each client sends
    #[arg(long, value_name = "M", default_value_t = 100,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    requests: usize,

    /// Runs per row; the row shows the run with the median throughput
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100))]
    rounds: usize,
}

/// A server to measure: its label in the table, its program and its options.
struct Contender {
    label: &'static str,
    program: &'static str,
    args: &'static [&'static str],
}

/// The servers, in the order of the table's rows.
const CONTENDERS: [Contender; 3] = [
    Contender {
        label: "one at a time",
        program: "pool-server",
        // Every client of the run waits its turn: none may be turned away as busy.
        args: &["--workers", "1", "--max-waiting", "100000"],
    },
    Contender {
        label: "thread per client",
        program: "threaded-server",
        args: &["--max-clients", "100000"],
    },
    Contender {
        label: "pool of 4",
        program: "pool-server",
        args: &["--workers", "4", "--max-waiting", "100000"],
    },
];

/// One run: a row of the table.
struct Row {
    throughput: f64,
    p50: String,
    p99: String,
    max: String,
    threads: Option<u64>,
    peak_kib: Option<u64>,
}

fn main() -> ExitCode {
    netlesson::finish(run(&Options::parse()), None)
}

fn run(options: &Options) -> Result<()> {
    let load_client = sibling("load-client")?;
    if cfg!(debug_assertions) {
        println!(
            "note: this is a debug build, much slower than release: use `just bench-concurrency`\n"
        );
    }
    println!(
        "each client sends {} requests and checks every reply; one at a time = pool-server \
         --workers 1, thread per client = threaded-server, pool of 4 = pool-server --workers 4; \
         each row is the run with the median throughput of {}\n",
        options.requests,
        netlesson::show::count(options.rounds, "run")
    );
    println!(
        "{:<18} {:>7} {:>11} {:>8} {:>8} {:>9} {:>8} {:>9}",
        "server", "clients", "requests/s", "p50 ms", "p99 ms", "max ms", "threads", "peak RSS"
    );
    for &clients in &options.clients {
        for contender in &CONTENDERS {
            let mut runs = Vec::new();
            for _ in 0..options.rounds {
                let run = measure(contender, &load_client, clients, options.requests)
                    .with_context(|| format!("{} with {clients} clients", contender.label))?;
                runs.push(run);
            }
            runs.sort_by(|a, b| a.throughput.total_cmp(&b.throughput));
            let row = runs.swap_remove(runs.len() / 2);
            let threads = row
                .threads
                .map_or("-".to_string(), |count| count.to_string());
            let memory = row.peak_kib.map_or("-".to_string(), |kib| {
                format!("{:.1} MiB", kib as f64 / 1024.0)
            });
            println!(
                "{:<18} {clients:>7} {:>11.0} {:>8} {:>8} {:>9} {threads:>8} {memory:>9}",
                contender.label, row.throughput, row.p50, row.p99, row.max
            );
        }
    }
    let most = options.clients.iter().copied().max().unwrap_or(1);
    println!("\n{}", idle_clients_cost(most)?);
    Ok(())
}

/// What `count` connected clients that send nothing cost threaded-server: its threads, memory
/// in use (`VmRSS`) and address space (`VmSize`), once it has a thread for each of them.
/// Measured apart from the table, whose threads column is sampled while clients come and go.
fn idle_clients_cost(count: usize) -> Result<String> {
    let program = sibling("threaded-server")?;
    let server = Server::start(&program, &["--port", "0", "--max-clients", "100000"])?;
    let pid = server.pid();
    let mut clients = Vec::new();
    for _ in 0..count {
        let client = TcpStream::connect_timeout(&server.address, PATIENCE)
            .context("could not connect an idle client")?;
        clients.push(client);
    }
    // The accepting thread, the log's writer, and one per client.
    let wanted = count as u64 + 2;
    let deadline = Instant::now() + PATIENCE;
    let mut threads = status_field(pid, "Threads:");
    while threads.is_some_and(|threads| threads < wanted) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
        threads = status_field(pid, "Threads:");
    }
    let mib = |kib: u64| kib as f64 / 1024.0;
    let found = (
        threads,
        status_field(pid, "VmRSS:"),
        status_field(pid, "VmSize:"),
    );
    let (Some(threads), Some(resident), Some(reserved)) = found else {
        return Ok(format!(
            "{count} idle clients: no /proc on this system, not measured"
        ));
    };
    drop(clients);
    Ok(format!(
        "{count} idle clients connected to threaded-server: {threads} threads, {:.1} MiB in use \
         (VmRSS), {:.1} GiB of address space (VmSize)",
        mib(resident),
        mib(reserved) / 1024.0
    ))
}

/// Starts a fresh `contender`, runs load-client with `clients` clients against it, and
/// samples the server's threads while it runs.
fn measure(
    contender: &Contender,
    load_client: &Path,
    clients: usize,
    requests: usize,
) -> Result<Row> {
    let program = sibling(contender.program)?;
    let mut args = vec!["--port", "0", "--idle-timeout", "60"];
    args.extend_from_slice(contender.args);
    let server = Server::start(&program, &args)?;

    let sampling = AtomicBool::new(true);
    let (output, threads) = thread::scope(|scope| {
        let sampler = scope.spawn(|| most_threads(server.pid(), &sampling));
        let port = server.address.port().to_string();
        let (clients, requests) = (clients.to_string(), requests.to_string());
        let output = Command::new(load_client)
            .args([
                "--port",
                &port,
                "--clients",
                &clients,
                "--requests",
                &requests,
            ])
            .args(["--timeout", "120"])
            .output();
        sampling.store(false, Ordering::Relaxed);
        (output, sampler.join().ok().flatten())
    });
    let peak_kib = status_field(server.pid(), "VmHWM:");
    let output = output.context("could not run load-client")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "load-client failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let throughput = field(&stdout, "throughput: ", " requests/s")?;
    let throughput = throughput.parse().context("throughput is not a number")?;
    let p50 = field(&stdout, "latency: p50 ", " ms")?;
    let p99 = field(&stdout, ", p99 ", " ms")?;
    let max = field(&stdout, ", max ", " ms")?;
    Ok(Row {
        throughput,
        p50,
        p99,
        max,
        threads,
        peak_kib,
    })
}

/// The text between `before` and the next `after` in load-client's output.
fn field(output: &str, before: &str, after: &str) -> Result<String> {
    let found = output
        .split_once(before)
        .and_then(|(_, rest)| rest.split_once(after))
        .map(|(value, _)| value.to_string());
    found.with_context(|| format!("no `{before}...{after}` in load-client's output:\n{output}"))
}

/// The most threads process `pid` had, sampled every millisecond until `sampling` is false;
/// `None` without `/proc`.
fn most_threads(pid: u32, sampling: &AtomicBool) -> Option<u64> {
    let mut most = status_field(pid, "Threads:")?;
    while sampling.load(Ordering::Relaxed) {
        if let Some(threads) = status_field(pid, "Threads:") {
            most = most.max(threads);
        }
        thread::sleep(Duration::from_millis(1));
    }
    Some(most)
}

/// A number from `/proc/<pid>/status` (Linux), e.g. `Threads:` or `VmHWM:` (in KiB).
fn status_field(pid: u32, name: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

/// The program `name` next to this one (built by the same `cargo build`).
fn sibling(name: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe().context("could not find this program")?;
    let path = exe.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        let profile = if cfg!(debug_assertions) {
            ""
        } else {
            " --release"
        };
        bail!(
            "{} does not exist: build it first with `cargo build{profile} -p lesson-concurrency --bins`",
            path.display()
        );
    }
    Ok(path)
}

/// A server started for one row; killed when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
}

impl Server {
    /// Starts `program` and waits for its `listening on <ip>:<port>` line. Its later output
    /// (two lines per client) is read and dropped, so that it never fills the pipe.
    fn start(program: &Path, args: &[&str]) -> Result<Server> {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("could not run {}", program.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (ready, first_line) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = ready.send(lines.next());
            lines.for_each(drop);
        });
        // From here on, dropping `server` kills the program, also when it fails to start.
        let mut server = Server {
            child,
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        let line = match first_line.recv_timeout(PATIENCE) {
            Ok(Some(Ok(line))) => line,
            _ => bail!("{} printed no ready line", program.display()),
        };
        let Some(address) = line.strip_prefix("listening on ") else {
            bail!("expected `listening on <ip>:<port>`, got {line:?}");
        };
        server.address = address.parse().context("bad ready line")?;
        Ok(server)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
