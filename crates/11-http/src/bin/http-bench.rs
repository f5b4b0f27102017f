//! Lesson 11, the benchmark: requests per second for a small file over kept-alive connections,
//! at 1, 100 and 1000 connections, from http-server, nginx and Python's `http.server`, side by
//! side in one table.
//!
//! - http-server: the release build next to this program.
//! - nginx: Debian's package (`apt-get install nginx`), started here as a program of our own,
//!   not the system's service: a configuration written to a temporary folder (the same site,
//!   a free port, Debian's defaults otherwise: `sendfile`, `worker_processes auto`), stopped at
//!   the end with `nginx -s stop`.
//! - Python: `python3 -m http.server --protocol HTTP/1.1`, so that it keeps connections alive.
//!
//! One load generator for all: `wrk` (Debian's package) if it is installed, else a small one of
//! ours (a thread per connection, each sending a request and reading its response, again and
//! again). Each server writes one log line per request, as it does by default: http-server and
//! Python to a pipe this program reads, nginx to a file. A server that is not installed gets
//! `-` in its column. Run it with `just bench-http`, or:
//!
//! ```sh
//! cargo build --release -p lesson-http --bins
//! cargo run --release --bin http-bench
//! ```
//!
//! The load generator runs on the same processors as the servers: compare the columns with
//! each other, on one run, on an otherwise quiet machine.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;

/// How long a server may take to get ready.
const PATIENCE: Duration = Duration::from_secs(10);

/// The file every server is asked for, from the lesson's site: a small HTML page.
const FILE: &str = "index.html";

/// Measures http-server against nginx and Python's http.server.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// How many connections at once, one row per number
    #[arg(long, value_name = "N", value_delimiter = ',', default_value = "1,100,1000",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000))]
    connections: Vec<usize>,

    /// Seconds each measurement lasts
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = netlesson::parse_seconds)]
    seconds: Duration,

    /// The load generator: wrk if installed (auto), wrk, or ours
    #[arg(long, value_enum, default_value_t = Generator::Auto)]
    load: Generator,
}

/// Which program makes the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Generator {
    /// wrk if it is installed, else ours
    Auto,
    /// wrk (Debian: apt-get install wrk)
    Wrk,
    /// A thread per connection, each sending a request and reading its response in turn
    Ours,
}

/// A server to measure: how to start it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Contender {
    HttpServer,
    Nginx,
    Python,
}

impl Contender {
    const ALL: [Contender; 3] = [Contender::HttpServer, Contender::Nginx, Contender::Python];

    fn label(self) -> &'static str {
        match self {
            Contender::HttpServer => "http-server",
            Contender::Nginx => "nginx",
            Contender::Python => "python3 http.server",
        }
    }
}

fn main() -> ExitCode {
    netlesson::finish(run(&Options::parse()), None)
}

fn run(options: &Options) -> Result<()> {
    let site = find_site()?;
    let generator = match options.load {
        Generator::Auto if find_program("wrk").is_some() => Generator::Wrk,
        Generator::Auto => Generator::Ours,
        chosen => chosen,
    };
    if cfg!(debug_assertions) {
        println!("note: this is a debug build, much slower than release: use `just bench-http`\n");
    }
    let length = std::fs::metadata(site.join(FILE))?.len();
    let load = match generator {
        Generator::Wrk => "wrk -t2 (-t1 for 1 connection)",
        _ => "ours (a thread per connection)",
    };
    println!(
        "GET /{FILE} ({length} bytes), connections kept alive, {} per measurement, load: {load}; \
         {} processors, load average {}",
        netlesson::show::seconds(options.seconds),
        thread::available_parallelism().map_or(0, usize::from),
        load_average()
    );
    let mut rows = Vec::new();
    for &connections in &options.connections {
        let mut row = Vec::new();
        for contender in Contender::ALL {
            let measured = measure(contender, &site, connections, options.seconds, generator)
                .with_context(|| format!("{} with {connections} connections", contender.label()))?;
            row.push(measured);
        }
        rows.push((connections, row));
    }
    println!("\nrequests per second (more is better):");
    print_table(&rows, |measured| measured.rate, Measured::show);
    println!("\nthe server's processor time per request, in microseconds (less is better):");
    print_table(
        &rows,
        |measured| measured.cpu_per_request.unwrap_or(f64::NAN),
        |measured| {
            measured
                .cpu_per_request
                .map_or("-".to_string(), |micros| format!("{micros:.1}"))
        },
    );
    println!("\nload average at the end: {}", load_average());
    Ok(())
}

/// One table: a row per number of connections, a column per server, and http-server's value
/// over nginx's (`value` of each measurement, shown as `show` shows it).
fn print_table(
    rows: &[(usize, Vec<Option<Measured>>)],
    value: impl Fn(&Measured) -> f64,
    show: impl Fn(&Measured) -> String,
) {
    println!(
        "{:>11}  {:>12}  {:>12}  {:>20}  {:>18}",
        "connections", "http-server", "nginx", "python3 http.server", "http-server/nginx"
    );
    for (connections, row) in rows {
        let cell = |index: usize| row[index].as_ref().map_or("-".to_string(), &show);
        let ratio = match (&row[0], &row[1]) {
            (Some(ours), Some(nginx)) if value(nginx) > 0.0 && value(ours).is_finite() => {
                format!("{:.2}x", value(ours) / value(nginx))
            }
            _ => "-".to_string(),
        };
        println!(
            "{connections:>11}  {:>12}  {:>12}  {:>20}  {ratio:>18}",
            cell(0),
            cell(1),
            cell(2)
        );
    }
}

/// Requests per second, how many requests failed (errors, timeouts, statuses other than 2xx),
/// and the server's processor time per request.
struct Measured {
    rate: f64,
    failed: u64,
    /// Microseconds of processor time (user and system, every process of the server) per
    /// request answered; `None` without `/proc`.
    cpu_per_request: Option<f64>,
}

impl Measured {
    fn show(&self) -> String {
        match self.failed {
            0 => format!("{:.0}", self.rate),
            failed => format!("{:.0} ({failed} failed)", self.rate),
        }
    }
}

/// Starts a fresh `contender`, loads it, stops it. `None` if it is not installed.
fn measure(
    contender: Contender,
    site: &Path,
    connections: usize,
    seconds: Duration,
    generator: Generator,
) -> Result<Option<Measured>> {
    let Some(server) = start(contender, site, connections)? else {
        return Ok(None);
    };
    let url = format!("http://{}/{FILE}", server.address);
    // A short warm-up: connections opened, caches filled.
    load(
        generator,
        &url,
        connections.min(10),
        Duration::from_millis(500),
    )?;
    let pid = server.child.id();
    let (cpu_before, started) = (cpu_seconds(pid), Instant::now());
    let mut measured = load(generator, &url, connections, seconds)?;
    let (cpu_after, elapsed) = (cpu_seconds(pid), started.elapsed());
    server.stop();
    let answered = measured.rate * elapsed.as_secs_f64();
    measured.cpu_per_request = match (cpu_before, cpu_after) {
        (Some(before), Some(after)) if answered > 0.0 => Some((after - before) * 1e6 / answered),
        _ => None,
    };
    Ok(Some(measured))
}

/// The processor time, user and system, that process `pid` and its children (nginx's
/// workers) have used so far, in seconds, from `/proc` (Linux); `None` elsewhere.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let ticks_per_second = clock_ticks();
    let mut ticks = stat_ticks(&format!("/proc/{pid}/stat"))?.0;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let path = entry.path().join("stat");
        match stat_ticks(&path.to_string_lossy()) {
            Some((child_ticks, parent)) if parent == pid => ticks += child_ticks,
            _ => {}
        }
    }
    Some(ticks as f64 / ticks_per_second)
}

/// `utime + stime` and the parent's pid, from a `/proc/<pid>/stat` file.
fn stat_ticks(path: &str) -> Option<(u64, u32)> {
    let stat = std::fs::read_to_string(path).ok()?;
    // After the command's name, in parentheses: state, ppid, ..., utime (12th), stime (13th).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let parent = fields.get(1)?.parse().ok()?;
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some((user + system, parent))
}

/// The clock ticks per second `/proc` counts in (`getconf CLK_TCK`, almost always 100).
fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8_lossy(&output.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// A started server; stopped when dropped.
struct Started {
    address: SocketAddr,
    child: Child,
    /// nginx is stopped with `nginx -s stop` (its workers would outlive a killed master).
    nginx: Option<(PathBuf, PathBuf)>,
    _folder: Option<TempFolder>,
}

impl Started {
    fn stop(self) {
        drop(self);
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        if let Some((conf, prefix)) = &self.nginx {
            let _ = Command::new("nginx")
                .arg("-c")
                .arg(conf)
                .arg("-p")
                .arg(prefix)
                .args(["-s", "stop"])
                .stderr(Stdio::null())
                .status();
            // Give it a moment to stop its workers before its folder goes.
            let deadline = Instant::now() + PATIENCE;
            while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
                thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(contender: Contender, site: &Path, connections: usize) -> Result<Option<Started>> {
    match contender {
        Contender::HttpServer => start_http_server(site, connections).map(Some),
        Contender::Nginx => start_nginx(site),
        Contender::Python => start_python(site),
    }
}

fn start_http_server(site: &Path, connections: usize) -> Result<Started> {
    let program = sibling("http-server")?;
    let max = (connections + 100).to_string();
    let root = site.to_str().context("the site's path is not UTF-8")?;
    let args = [
        "--port",
        "0",
        "--root",
        root,
        "--max-clients",
        &max,
        "--idle-timeout",
        "60",
    ];
    let mut child = Command::new(&program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("could not run {}", program.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let line = first_line_then_drain(stdout)?;
    let address = line
        .strip_prefix("listening on ")
        .with_context(|| format!("http-server printed {line:?} first"))?
        .parse()
        .context("a bad ready line")?;
    Ok(Started {
        address,
        child,
        nginx: None,
        _folder: None,
    })
}

fn start_python(site: &Path) -> Result<Option<Started>> {
    if find_program("python3").is_none() {
        return Ok(None);
    }
    let port = free_port()?;
    let mut child = Command::new("python3")
        .args([
            "-u",
            "-m",
            "http.server",
            "--protocol",
            "HTTP/1.1",
            "--bind",
            "127.0.0.1",
        ])
        .arg("--directory")
        .arg(site)
        .arg(port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("could not run python3")?;
    // It logs each request on stderr: read and drop, as a terminal would show it.
    if let Some(stderr) = child.stderr.take() {
        thread::spawn(move || BufReader::new(stderr).lines().for_each(drop));
    }
    let stdout = child.stdout.take().context("no stdout")?;
    let line = first_line_then_drain(stdout)?;
    if !line.starts_with("Serving HTTP on") {
        bail!("python3 -m http.server printed {line:?} first");
    }
    Ok(Some(Started {
        address: SocketAddr::from(([127, 0, 0, 1], port)),
        child,
        nginx: None,
        _folder: None,
    }))
}

fn start_nginx(site: &Path) -> Result<Option<Started>> {
    if find_program("nginx").is_none() {
        return Ok(None);
    }
    let folder = TempFolder::new("nginx")?;
    let port = free_port()?;
    let prefix = folder.path.clone();
    std::fs::create_dir_all(prefix.join("temp"))?;
    let types = match Path::new("/etc/nginx/mime.types").exists() {
        true => "include /etc/nginx/mime.types;".to_string(),
        false => "types { text/html html; text/css css; image/png png; }".to_string(),
    };
    let p = prefix.display();
    let config = format!(
        "# Written by http-bench: nginx as a program of its own, on a free port.\n\
         daemon off;\n\
         worker_processes auto;\n\
         pid {p}/nginx.pid;\n\
         error_log {p}/error.log;\n\
         events {{ worker_connections 4096; }}\n\
         http {{\n\
         {types}\n\
         sendfile on;\n\
         tcp_nopush on;\n\
         keepalive_requests 100000000;\n\
         access_log {p}/access.log;\n\
         client_body_temp_path {p}/temp; proxy_temp_path {p}/temp; fastcgi_temp_path {p}/temp;\n\
         uwsgi_temp_path {p}/temp; scgi_temp_path {p}/temp;\n\
         server {{ listen 127.0.0.1:{port}; root {}; }}\n\
         }}\n",
        site.display()
    );
    let conf = prefix.join("nginx.conf");
    std::fs::write(&conf, config).context("could not write nginx.conf")?;
    let child = Command::new("nginx")
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .arg(&prefix)
        .arg("-e")
        .arg(prefix.join("error.log"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("could not run nginx")?;
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let mut started = Started {
        address,
        child,
        nginx: Some((conf, prefix.clone())),
        _folder: Some(folder),
    };
    // nginx prints no ready line: try to connect until it accepts (or has exited).
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(address).is_err() {
        if Instant::now() > deadline || !matches!(started.child.try_wait(), Ok(None)) {
            let log = std::fs::read_to_string(prefix.join("error.log")).unwrap_or_default();
            bail!("nginx did not start: {log}");
        }
        thread::sleep(Duration::from_millis(20));
    }
    Ok(Some(started))
}

/// Runs the load generator against `url` with `connections` connections for `seconds`.
fn load(
    generator: Generator,
    url: &str,
    connections: usize,
    seconds: Duration,
) -> Result<Measured> {
    match generator {
        Generator::Ours => our_load(url, connections, seconds),
        _ => wrk(url, connections, seconds),
    }
}

fn wrk(url: &str, connections: usize, seconds: Duration) -> Result<Measured> {
    let threads = connections.min(2).to_string();
    let duration = format!("{}s", seconds.as_secs().max(1));
    let output = Command::new("wrk")
        .args([
            "-t",
            &threads,
            "-c",
            &connections.to_string(),
            "-d",
            &duration,
            "--timeout",
            "10s",
            url,
        ])
        .output()
        .context("could not run wrk (apt-get install wrk, or use --load ours)")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let rate = text
        .lines()
        .find_map(|line| line.strip_prefix("Requests/sec:"))
        .and_then(|value| value.trim().parse().ok())
        .with_context(|| format!("no Requests/sec in wrk's output:\n{text}"))?;
    // `Socket errors: connect 0, read 0, write 0, timeout 0` and `Non-2xx or 3xx responses: N`.
    let mut failed = 0;
    for line in text.lines() {
        if let Some(errors) = line.trim().strip_prefix("Socket errors:") {
            failed += errors
                .split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum::<u64>();
        }
        if let Some(count) = line.trim().strip_prefix("Non-2xx or 3xx responses:") {
            failed += count.trim().parse::<u64>().unwrap_or(0);
        }
    }
    Ok(Measured {
        rate,
        failed,
        cpu_per_request: None,
    })
}

/// Our load generator: `connections` threads, each with its own kept-alive connection,
/// sending a request and reading its response until time is up.
fn our_load(url: &str, connections: usize, seconds: Duration) -> Result<Measured> {
    let rest = url.strip_prefix("http://").context("an http:// address")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let address: SocketAddr = authority.parse().context("an address")?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
    let started = Instant::now();
    let end = started + seconds;
    let (done, results) = mpsc::channel();
    thread::scope(|scope| {
        for _ in 0..connections {
            let (done, request) = (done.clone(), request.as_bytes());
            scope.spawn(move || {
                let _ = done.send(one_connection(address, request, end));
            });
        }
    });
    drop(done);
    let (mut answered, mut failed) = (0, 0);
    for (ok, bad) in results {
        answered += ok;
        failed += bad;
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(Measured {
        rate: answered as f64 / elapsed,
        failed,
        cpu_per_request: None,
    })
}

/// One connection of our load generator: requests until `end`; returns how many were answered
/// with 200 and how many failed.
fn one_connection(address: SocketAddr, request: &[u8], end: Instant) -> (u64, u64) {
    let (mut answered, mut failed) = (0, 0);
    while Instant::now() < end {
        let Ok(stream) = TcpStream::connect_timeout(&address, PATIENCE) else {
            failed += 1;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let _ = stream.set_read_timeout(Some(PATIENCE));
        let mut reader = BufReader::new(&stream);
        while Instant::now() < end {
            match exchange(&stream, &mut reader, request) {
                Ok(true) => answered += 1,
                Ok(false) => failed += 1,
                Err(_) => {
                    failed += 1;
                    break; // a new connection
                }
            }
        }
    }
    (answered, failed)
}

/// Sends one request and reads its response; whether it was a 200.
fn exchange(mut stream: &TcpStream, reader: &mut impl BufRead, request: &[u8]) -> Result<bool> {
    stream.write_all(request)?;
    let mut status = String::new();
    reader.read_line(&mut status)?;
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            bail!("closed");
        }
        if line == "\r\n" {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or_default();
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(status.starts_with("HTTP/1.1 200 "))
}

/// Reads the first line of `output`, then reads and drops the rest on a thread of its own (so
/// that the program never waits on a full pipe).
fn first_line_then_drain(output: impl Read + Send + 'static) -> Result<String> {
    let (ready, first_line) = mpsc::channel();
    thread::spawn(move || {
        let mut lines = BufReader::new(output).lines();
        let _ = ready.send(lines.next());
        lines.for_each(drop);
    });
    match first_line.recv_timeout(PATIENCE) {
        Ok(Some(Ok(line))) => Ok(line),
        _ => bail!("the server printed no first line within {PATIENCE:?}"),
    }
}

/// A port that was free a moment ago (for servers that cannot take port 0 and say which they
/// got).
fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The lesson's site, looked for from the current folder upwards.
fn find_site() -> Result<PathBuf> {
    let here = std::env::current_dir()?;
    here.ancestors()
        .map(|folder| folder.join("crates/11-http/site"))
        .find(|site| site.join(FILE).is_file())
        .map(|site| site.canonicalize())
        .transpose()?
        .context("the lesson's site, crates/11-http/site, is not under this folder or above: run from the course's folder")
}

/// `name` on the `PATH`, if it is there.
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|folder| folder.join(name))
        .find(|candidate| candidate.is_file())
}

/// The program `name` next to this one (built by the same `cargo build`).
fn sibling(name: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe().context("could not find this program")?;
    let path = exe.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        bail!(
            "{} does not exist: build it first with `cargo build --release -p lesson-http --bins`",
            path.display()
        );
    }
    Ok(path)
}

/// The system's load average over the last minute (`/proc/loadavg`), or `?`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}

/// A temporary folder, removed when dropped.
struct TempFolder {
    path: PathBuf,
}

impl TempFolder {
    fn new(name: &str) -> Result<TempFolder> {
        let path = std::env::temp_dir().join(format!("http-bench-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("could not create {}", path.display()))?;
        Ok(TempFolder { path })
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
