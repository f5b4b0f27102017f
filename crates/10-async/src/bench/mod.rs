//! The machinery of the two benchmarks, `concurrency-bench` (lessons 8 and 10) and
//! `chat-bench` (lessons 9 and 10). Not part of the lesson: it measures the lesson's servers.
//!
//! - [`Server`]: a server program started on port 0, its ready line awaited, its log drained.
//! - [`Usage`]: what `/proc/<pid>` says about a process (threads, memory, processor time),
//!   sampled while a load runs.
//! - [`load`]: one thread of many clients of lesson 8's protocol; [`chat`]: of Budget Chat.
//! - [`compile_c`]: the C baselines, compiled with `cc -O2` next to the benchmarks.

pub mod chat;
pub mod load;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// How long a server may take to print its ready line.
const PATIENCE: Duration = Duration::from_secs(10);

/// A server started for one measurement; killed when dropped.
pub struct Server {
    child: Child,
    /// Where it listens, from its ready line.
    pub address: SocketAddr,
}

impl Server {
    /// Starts `program` with `args` and waits for its `listening on <ip>:<port>` line. Its
    /// later output (a few lines per client) is read and dropped, so it never fills the pipe.
    pub fn start(program: &Path, args: &[&str]) -> Result<Server> {
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

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The program `name` next to this one (built by the same `cargo build`).
pub fn sibling(name: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe().context("could not find this program")?;
    let path = exe.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        let profile = if cfg!(debug_assertions) {
            ""
        } else {
            " --release"
        };
        bail!(
            "{} does not exist: build it first with `cargo build{profile} -p lesson-concurrency -p lesson-chat -p lesson-async --bins`",
            path.display()
        );
    }
    Ok(path)
}

/// Compiles a C program with `cc -O2` into a program next to this one, unless the same source
/// was compiled there already; `name` is its file name in `crates/03-echo/bench/`, `source` its
/// text (built into this program, so that it needs no path to the course's folder at run time).
pub fn compile_c(name: &str, source: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe().context("could not find this program")?;
    let program = exe.with_file_name(name.trim_end_matches(".c"));
    let source_path = exe.with_file_name(name);
    let compiled = std::fs::read_to_string(&source_path).is_ok_and(|text| text == source);
    if compiled && program.exists() {
        return Ok(program);
    }
    std::fs::write(&source_path, source)
        .with_context(|| format!("could not write {}", source_path.display()))?;
    let output = Command::new("cc")
        .args(["-O2", "-o"])
        .arg(&program)
        .arg(&source_path)
        .output()
        .context("could not run cc (is a C compiler installed?)")?;
    if !output.status.success() {
        let _ = std::fs::remove_file(&source_path); // never taken for compiled next time
        bail!(
            "cc could not compile crates/03-echo/bench/{name}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(program)
}

/// The latency that `percent` % of `sorted` did not exceed (the nearest rank).
pub fn percentile(sorted: &[Duration], percent: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 * percent / 100.0).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// A duration in milliseconds, for a table.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// What a process used while a load ran: the most threads and memory seen, and the
/// processor time it took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// The most threads seen at once (`Threads:` in `/proc/<pid>/status`).
    pub threads: u64,
    /// The most memory in use seen (`VmRSS:`), in KiB.
    pub rss_kib: u64,
    /// Processor time used while sampling (user and system), in seconds.
    pub cpu_seconds: f64,
}

/// Samples process `pid` every 20 ms on a thread of its own, until [`Sampler::stop`].
pub struct Sampler {
    running: Arc<AtomicBool>,
    usage: Arc<Mutex<Usage>>,
    thread: Option<thread::JoinHandle<()>>,
    cpu_at_start: Option<f64>,
    pid: u32,
}

impl Sampler {
    /// Starts sampling `pid`; `None` without `/proc` (not Linux).
    pub fn start(pid: u32) -> Option<Sampler> {
        let cpu_at_start = cpu_seconds(pid);
        status_field(pid, "Threads:")?;
        let running = Arc::new(AtomicBool::new(true));
        let usage = Arc::new(Mutex::new(Usage::default()));
        let thread = {
            let (running, usage) = (Arc::clone(&running), Arc::clone(&usage));
            thread::spawn(move || {
                while running.load(Ordering::Relaxed) {
                    let threads = status_field(pid, "Threads:").unwrap_or(0);
                    let rss = status_field(pid, "VmRSS:").unwrap_or(0);
                    if let Ok(mut usage) = usage.lock() {
                        usage.threads = usage.threads.max(threads);
                        usage.rss_kib = usage.rss_kib.max(rss);
                    }
                    thread::sleep(Duration::from_millis(20));
                }
            })
        };
        Some(Sampler {
            running,
            usage,
            thread: Some(thread),
            cpu_at_start,
            pid,
        })
    }

    /// Stops sampling and returns what was seen.
    pub fn stop(mut self) -> Usage {
        self.running.store(false, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let mut usage = self.usage.lock().map(|usage| *usage).unwrap_or_default();
        if let (Some(start), Some(end)) = (self.cpu_at_start, cpu_seconds(self.pid)) {
            usage.cpu_seconds = end - start;
        }
        usage
    }
}

/// A number from `/proc/<pid>/status` (Linux), e.g. `Threads:` or `VmRSS:` (in KiB).
pub fn status_field(pid: u32, name: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

/// The processor time process `pid` has used (user and system), from `/proc/<pid>/stat`.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the program's name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / clock_ticks_per_second())
}

/// The kernel's clock ticks per second (`getconf CLK_TCK`; 100 on every common Linux).
fn clock_ticks_per_second() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|output| String::from_utf8(output.stdout).ok())
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// Sleeps until `pid` has at least `threads` threads, or `patience` has passed.
pub fn wait_for_threads(pid: u32, threads: u64, patience: Duration) {
    let deadline = Instant::now() + patience;
    while Instant::now() < deadline {
        if status_field(pid, "Threads:").is_none_or(|now| now >= threads) {
            return;
        }
        thread::sleep(Duration::from_millis(10));
    }
}
