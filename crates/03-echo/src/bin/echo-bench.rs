//! Lesson 3, the benchmark: how fast does data go through echo-server, and does the size of
//! its read buffer matter?
//!
//! It starts echo-server with `--buffer-size 1024` (the original's `recv(1024)`) and 65536,
//! and a plain C echo server (`bench/echo-server.c`, compiled with `cc`) with the same sizes,
//! and pushes a few hundred MiB through each over 127.0.0.1: one thread writes, another reads
//! and checks every byte. It prints a table of MiB/s. Run it with `just bench-echo`, or:
//!
//! ```sh
//! cargo build --release --bin echo-server && cargo run --release --bin echo-bench
//! ```
//!
//! Numbers depend on the machine; compare the rows with each other, not with someone else's.
//!
//! It is a program rather than a `benches/` target (as lesson 6's `transfer` is) because it
//! measures other programs, not functions of this crate: it starts the echo-server binary next
//! to it and a C server it compiles, and takes options (`-- --help`). Being a binary also lets
//! `tests/bench.rs` run it on a tiny size with every `cargo test`, so it cannot silently rot.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;

/// The C echo server's source (`crates/03-echo/bench/echo-server.c`), built into this program
/// so that it needs no path to the course's folder at run time.
const C_SOURCE: &str = include_str!("../../bench/echo-server.c");

/// How much the client writes, and reads, per call. The same for every server, so only the
/// server's buffer size changes from row to row.
const CLIENT_CHUNK: usize = 64 * 1024;

/// The data sent: this many pseudo-random bytes, over and over.
const PATTERN_SIZE: usize = 1 << 20;

/// How long a server may take to print its ready line, and a transfer to make progress.
const PATIENCE: Duration = Duration::from_secs(10);

/// Measures the throughput of echo-server against a plain C echo server.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// MiB to push through each server in each run
    #[arg(long, value_name = "MIB", default_value_t = 256,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=65536))]
    mib: usize,

    /// Runs per server and buffer size; the table shows the median run
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100))]
    rounds: usize,

    /// The servers' read buffer sizes to compare, in bytes
    #[arg(long, value_name = "BYTES", value_delimiter = ',', default_value = "1024,65536",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=16 << 20))]
    buffer_sizes: Vec<usize>,

    /// The echo-server program to measure (default: the one next to this program)
    #[arg(long, value_name = "PATH")]
    server: Option<PathBuf>,

    /// Measure only echo-server, not the C baseline
    #[arg(long)]
    skip_c: bool,
}

/// One server program to measure.
struct Contender {
    name: &'static str,
    program: PathBuf,
    /// The arguments that start it on a free port with a given buffer size.
    args: fn(usize) -> Vec<String>,
}

fn main() -> ExitCode {
    netlesson::finish(run(&Options::parse()), None)
}

fn run(options: &Options) -> Result<()> {
    let mut contenders = vec![Contender {
        name: "echo-server",
        program: echo_server(options)?,
        args: |size| {
            ["--port", "0", "--buffer-size", &size.to_string()]
                .map(String::from)
                .to_vec()
        },
    }];
    if !options.skip_c {
        match compile_c_server() {
            Ok(program) => contenders.push(Contender {
                name: "C echo server",
                program,
                args: |size| vec!["0".to_string(), size.to_string()],
            }),
            Err(why) => println!("note: measuring echo-server only: {why:#}\n"),
        }
    }
    if cfg!(debug_assertions) {
        println!("note: this is a debug build, much slower than release: use `just bench-echo`\n");
    }
    println!(
        "{} MiB through each server over 127.0.0.1, median of {} (one thread writes, one reads and checks every byte)\n",
        options.mib,
        netlesson::show::count(options.rounds, "run")
    );

    // Start every server first, then take turns: round 1 of each, round 2 of each, ... so that
    // a change in the machine's load (another program starting) affects every row alike.
    let mut rows = Vec::new();
    for contender in &contenders {
        for &buffer_size in &options.buffer_sizes {
            let server = Server::start(&contender.program, &(contender.args)(buffer_size))
                .with_context(|| format!("could not start {}", contender.name))?;
            rows.push((contender.name, buffer_size, server, Vec::new()));
        }
    }
    let progress = std::io::stderr().is_terminal();
    for round in 1..=options.rounds {
        if progress {
            eprint!("\rrun {round} of {}...", options.rounds);
        }
        for (name, buffer_size, server, times) in &mut rows {
            let seconds = transfer(server.address, options.mib << 20)
                .with_context(|| format!("{name} with buffer {buffer_size}"))?;
            times.push(seconds);
        }
    }

    if progress {
        eprint!("\r{:20}\r", "");
    }
    println!(
        "{:<15} {:>8} {:>6} {:>9} {:>9}",
        "server", "buffer", "MiB", "seconds", "MiB/s"
    );
    for (name, buffer_size, _, mut times) in rows {
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "{name:<15} {buffer_size:>8} {:>6} {median:>9.3} {:>9.0}",
            options.mib,
            options.mib as f64 / median
        );
    }
    Ok(())
}

/// Sends `total` bytes through the echo server at `address` and reads them all back, checking
/// every byte. Returns the seconds from connecting to the server's close.
fn transfer(address: SocketAddr, total: usize) -> Result<f64> {
    let pattern = pattern();
    let started = Instant::now();
    let stream = TcpStream::connect_timeout(&address, PATIENCE).context("could not connect")?;
    stream.set_read_timeout(Some(PATIENCE))?;
    stream.set_write_timeout(Some(PATIENCE))?;
    thread::scope(|scope| {
        // The writer: `total` bytes in 64 KiB writes, then "no more" (shutdown for writing).
        let writer = scope.spawn(|| -> Result<()> {
            let mut sending = &stream;
            let mut sent = 0;
            while sent < total {
                let at = sent % PATTERN_SIZE;
                let size = CLIENT_CHUNK.min(total - sent).min(PATTERN_SIZE - at);
                sending
                    .write_all(&pattern[at..at + size])
                    .context("could not send")?;
                sent += size;
            }
            stream
                .shutdown(Shutdown::Write)
                .context("could not shut down")?;
            Ok(())
        });
        // The reader (this thread): everything back, byte for byte, then the server's close.
        let received = receive_and_check(&stream, &pattern);
        if received.is_err() {
            // Unblock the writer, if it is stuck, so that we can report the error.
            let _ = stream.shutdown(Shutdown::Both);
        }
        let written = writer
            .join()
            .unwrap_or_else(|_| bail!("the writer thread crashed"));
        let received = received?;
        written?;
        if received != total {
            bail!("sent {total} bytes but {received} came back");
        }
        Ok(started.elapsed().as_secs_f64())
    })
}

/// Reads until the server closes, checking each byte against `pattern`; returns the count.
fn receive_and_check(mut stream: &TcpStream, pattern: &[u8]) -> Result<usize> {
    let mut buffer = vec![0u8; CLIENT_CHUNK];
    let mut received = 0;
    loop {
        let count = stream.read(&mut buffer).context("could not receive")?;
        if count == 0 {
            return Ok(received);
        }
        // Compare piece by piece, where a read straddles the end of the pattern.
        let mut checked = 0;
        while checked < count {
            let at = (received + checked) % PATTERN_SIZE;
            let size = (count - checked).min(PATTERN_SIZE - at);
            if buffer[checked..checked + size] != pattern[at..at + size] {
                bail!(
                    "the echo differs from what was sent near byte {}",
                    received + checked
                );
            }
            checked += size;
        }
        received += count;
    }
}

/// A MiB of pseudo-random bytes (xorshift): not text, not compressible, the same every run.
fn pattern() -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..PATTERN_SIZE)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 56) as u8
        })
        .collect()
}

/// The echo-server program: `--server`, or the one built next to this program.
fn echo_server(options: &Options) -> Result<PathBuf> {
    if let Some(path) = &options.server {
        return Ok(path.clone());
    }
    let exe = std::env::current_exe().context("could not find this program")?;
    let path = exe.with_file_name(format!("echo-server{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        let profile = if cfg!(debug_assertions) {
            ""
        } else {
            " --release"
        };
        bail!(
            "{} does not exist: build it first with `cargo build{profile} --bin echo-server`",
            path.display()
        );
    }
    Ok(path)
}

/// Compiles the C echo server with `cc -O2` next to this program; returns its path.
fn compile_c_server() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("could not find this program")?;
    let target = exe.with_file_name("echo-server-c");
    // Compile under a name of our own and rename: two benchmarks at once never see half a file.
    let partial = exe.with_file_name(format!("echo-server-c.{}", std::process::id()));
    let source = exe.with_file_name(format!("echo-server-c.{}.c", std::process::id()));
    std::fs::write(&source, C_SOURCE)
        .with_context(|| format!("could not write {}", source.display()))?;
    let output = Command::new("cc")
        .args(["-O2", "-o"])
        .arg(&partial)
        .arg(&source)
        .output();
    let _ = std::fs::remove_file(&source);
    let output = match output {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            bail!("there is no C compiler (`cc`); install gcc or clang to compare with C")
        }
        Err(error) => return Err(error).context("could not run `cc`"),
    };
    if !output.status.success() {
        bail!(
            "`cc -O2 crates/03-echo/bench/echo-server.c` failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    std::fs::rename(&partial, &target).with_context(|| {
        format!(
            "could not rename {} to {}",
            partial.display(),
            target.display()
        )
    })?;
    Ok(target)
}

/// A server started for the benchmark; killed when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
}

impl Server {
    /// Starts `program` and waits for its `listening on <ip>:<port>` line. Its later output
    /// (one line per client) is read and dropped, so that it never fills the pipe.
    fn start(program: &Path, args: &[String]) -> Result<Server> {
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
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
