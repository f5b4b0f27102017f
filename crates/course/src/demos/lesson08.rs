//! Demo 8: a silent client and a second one, first against pool-server with one worker (one
//! client at a time: the second waits), then against threaded-server (both served at once);
//! then threaded-server's cap. Scenarios: the fifth client of a pool of four, a trickler in a
//! pool of one (--client-deadline, --max-waiting), the compiler's
//! errors for numbers shared without a lock (`broken/*.rs`), and load-client's report.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::demo::{Demo, Scenario, Session};
use testkit::bins;
use testkit::client::Conn;
use testkit::procs::Server;

/// `cargo demo 8`.
pub const DEMO: Demo = Demo {
    number: 8,
    title: "many clients at once",
    lesson: "lessons/08-many-clients.md",
    packages: &["lesson-concurrency"],
    by_hand: &[
        "cargo run --bin threaded-server   (or: cargo run --bin pool-server, port 12003)",
        "nc 127.0.0.1 12002   (type UPPER hello, STATS, QUIT; then: cargo run --bin load-client)",
    ],
    script,
};

fn script(session: &mut Session) -> Result<()> {
    session.say("(one client at a time: pool-server with a single worker thread)");
    let args = ["--port", "0", "--workers", "1", "--idle-timeout", "0.5"];
    let mut server = session.start_server("server", "pool-server", &args)?;
    silent_client_then_another(session, &mut server)?;
    session.stop("server", &mut server)?;

    session.say("");
    session.say("(a thread per client: threaded-server, the same two clients)");
    let mut server = session.start_server("server", "threaded-server", &["--port", "0"])?;
    silent_client_then_another(session, &mut server)?;
    session.stop("server", &mut server)?;

    session.say("");
    session.say("(the cap: at most two clients at once)");
    let args = ["--port", "0", "--max-clients", "2"];
    let mut server = session.start_server("server", "threaded-server", &args)?;
    show_the_cap(session, &mut server)
}

/// Client 1 connects and says nothing; client 2 asks for `UPPER hello` and says how long the
/// answer took; then both leave.
fn silent_client_then_another(session: &mut Session, server: &mut Server) -> Result<()> {
    let silent = Conn::connect(server.address)?;
    session.say("client 1 | connects and says nothing");
    show_accepted(session, server)?;

    let started = Instant::now();
    let mut client = Conn::connect(server.address)?;
    let reply = ask(&mut client, "UPPER hello")?;
    let waited = started.elapsed();
    session.say(&format!(
        "client 2 | connects, sends \"UPPER hello\", gets {reply:?} after {} ms",
        waited.as_millis()
    ));
    let bye = ask(&mut client, "QUIT")?;
    session.say(&format!("client 2 | sends \"QUIT\", gets {bye:?}"));
    // Everything about client 2, and about client 1 if the server dropped it first.
    show_until_closed(session, server, 1)?;
    let dropped = server.seen().iter().any(|line| line.starts_with("client "));
    drop(silent);
    if !dropped {
        session.say("client 1 | closes its connection");
        show_until_closed(session, server, 1)?;
    }
    Ok(())
}

/// Two clients fill threaded-server's two places, a third is turned away, one leaves, and the
/// third comes back; then the server is stopped (before the clients close, so that no line
/// about them races with the end).
fn show_the_cap(session: &mut Session, server: &mut Server) -> Result<()> {
    let mut first = Conn::connect(server.address)?;
    let stats = ask(&mut first, "STATS")?;
    session.say(&format!(
        "client 1 | connects, sends \"STATS\", gets {stats:?}"
    ));
    let mut second = Conn::connect(server.address)?;
    let stats = ask(&mut second, "STATS")?;
    session.say(&format!(
        "client 2 | connects, sends \"STATS\", gets {stats:?}"
    ));
    show_accepted(session, server)?;
    show_accepted(session, server)?;

    let mut third = Conn::connect(server.address)?;
    let refusal = read_line(&mut third)?;
    let after = third.receive_some(64)?;
    let closed = match after.is_empty() {
        true => "then the server closes the connection",
        false => bail!("the server sent more after its refusal: {after:?}"),
    };
    session.say(&format!("client 3 | connects, gets {refusal:?}, {closed}"));
    session.show_until("server", server, |line| line.starts_with("client "))?;

    let bye = ask(&mut first, "QUIT")?;
    session.say(&format!("client 1 | sends \"QUIT\", gets {bye:?}"));
    show_until_closed(session, server, 1)?;
    let mut third = Conn::connect(server.address)?;
    let stats = ask(&mut third, "STATS")?;
    session.say(&format!(
        "client 3 | connects again, sends \"STATS\", gets {stats:?}"
    ));
    show_accepted(session, server)?;
    session.stop("server", server)?;
    drop((second, third));
    Ok(())
}

/// Shows the server's next line, which must be `accepted connection from ...`.
fn show_accepted(session: &mut Session, server: &mut Server) -> Result<()> {
    session.show_until("server", server, |line| {
        line.starts_with("accepted connection from ")
    })
}

/// Shows the server's lines until `count` clients have been closed (or dropped with a
/// problem).
fn show_until_closed(session: &mut Session, server: &mut Server, count: usize) -> Result<()> {
    for _ in 0..count {
        session.show_until("server", server, |line| {
            line.starts_with("closed connection from ")
        })?;
    }
    Ok(())
}

/// Sends `request` and its `\n`, and returns the reply line without its `\n`.
fn ask(client: &mut Conn, request: &str) -> Result<String> {
    client.send(format!("{request}\n").as_bytes())?;
    read_line(client)
}

/// Reads one line (the replies are short: a byte at a time is fine here).
fn read_line(client: &mut Conn) -> Result<String> {
    let mut line = Vec::new();
    loop {
        let byte = client.receive(1).context("no whole reply line")?;
        if byte == b"\n" {
            return String::from_utf8(line).context("a reply that is not UTF-8");
        }
        line.extend_from_slice(&byte);
    }
}

/// Scenario `pool-fifth-client-waits`, shown in lesson 8.
pub const POOL_FIFTH_CLIENT_WAITS: Scenario = Scenario {
    name: "pool-fifth-client-waits",
    packages: &["lesson-concurrency"],
    script: pool_fifth_client_waits,
};

/// Four silent clients hold pool-server's four workers; the fifth client's request waits until
/// the first of them is dropped at its idle timeout.
fn pool_fifth_client_waits(session: &mut Session) -> Result<()> {
    let args = ["--port", "0", "--workers", "4", "--idle-timeout", "0.5"];
    let mut server = session.start_server("server", "pool-server", &args)?;
    let silent: Vec<Conn> = (0..4)
        .map(|_| Conn::connect(server.address))
        .collect::<Result<_, _>>()?;
    session.say("clients 1 to 4 | connect and say nothing");
    for _ in 0..4 {
        show_accepted(session, &mut server)?;
    }
    let started = Instant::now();
    let mut fifth = Conn::connect(server.address)?;
    let reply = ask(&mut fifth, "UPPER hello")?;
    session.say(&format!(
        "client 5 | connects, sends \"UPPER hello\", gets {reply:?} after {} ms",
        started.elapsed().as_millis()
    ));
    show_accepted(session, &mut server)?;
    for _ in 0..4 {
        session.show_until("server", &mut server, |line| line.starts_with("client "))?;
    }
    let bye = ask(&mut fifth, "QUIT")?;
    session.say(&format!("client 5 | sends \"QUIT\", gets {bye:?}"));
    show_until_closed(session, &mut server, 1)?;
    drop(silent);
    session.stop("server", &mut server)
}

/// Scenario `pool-trickler`, shown in lesson 8.
pub const POOL_TRICKLER: Scenario = Scenario {
    name: "pool-trickler",
    packages: &["lesson-concurrency"],
    script: pool_trickler,
};

/// A client that sends a byte every 100 ms holds pool-server's only worker: it never goes
/// quiet for --idle-timeout, so --client-deadline closes it; the client waiting behind it is
/// then served, and one more than --max-waiting is turned away at once.
fn pool_trickler(session: &mut Session) -> Result<()> {
    let args = [
        "--port",
        "0",
        "--workers",
        "1",
        "--max-waiting",
        "1",
        "--client-deadline",
        "0.5",
    ];
    let mut server = session.start_server("server", "pool-server", &args)?;
    let mut trickler = Conn::connect(server.address)?;
    let answer = ask(&mut trickler, "UPPER hi")?;
    session.say(&format!(
        "trickler | connects, sends \"UPPER hi\", gets {answer:?}; then sends a byte every \
         100 ms, never a whole line"
    ));
    show_accepted(session, &mut server)?;
    let stop = Arc::new(AtomicBool::new(false));
    let trickling = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) && trickler.send(b"x").is_ok() {
                thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let started = Instant::now();
    let mut waiting = Conn::connect(server.address)?;
    waiting.send(b"UPPER hello\n")?;
    session.say("client 2 | connects and sends \"UPPER hello\": it waits for the worker");
    show_accepted(session, &mut server)?;
    let mut third = Conn::connect(server.address)?;
    let busy = read_line(&mut third)?;
    session.say(&format!("client 3 | connects, and gets {busy:?} at once"));
    session.show_until("server", &mut server, |line| line.contains("--max-waiting"))?;
    session.show_until("server", &mut server, |line| {
        line.contains("--client-deadline")
    })?;
    let reply = read_line(&mut waiting)?;
    session.say(&format!(
        "client 2 | gets {reply:?} after {} ms",
        started.elapsed().as_millis()
    ));
    stop.store(true, Ordering::Relaxed);
    let _ = trickling.join();
    let bye = ask(&mut waiting, "QUIT")?;
    session.say(&format!("client 2 | sends \"QUIT\", gets {bye:?}"));
    show_until_closed(session, &mut server, 1)?;
    session.stop("server", &mut server)
}

/// Scenario `counts-in-an-arc`, shown in lesson 8.
pub const COUNTS_IN_AN_ARC: Scenario = Scenario {
    name: "counts-in-an-arc",
    packages: &["lesson-concurrency"],
    script: |session| compile_broken(session, "counts-in-an-arc.rs"),
};

/// Scenario `counts-in-a-refcell`, shown in lesson 8's Going deeper page.
pub const COUNTS_IN_A_REFCELL: Scenario = Scenario {
    name: "counts-in-a-refcell",
    packages: &["lesson-concurrency"],
    script: |session| compile_broken(session, "counts-in-a-refcell.rs"),
};

/// Compiles `crates/08-concurrency/broken/<file>`, which must not compile, with rustc, and
/// shows rustc's errors.
fn compile_broken(session: &mut Session, file: &str) -> Result<()> {
    let path = format!("crates/08-concurrency/broken/{file}");
    // A folder of its own for each run (the two scenarios may run at the same time, in two
    // test processes too), removed when `out_dir` is dropped.
    let out_dir = tempfile::Builder::new()
        .prefix("lesson8-broken-")
        .tempdir()
        .context("could not create a temporary folder for rustc's output")?;
    let options = "--edition 2024 --crate-type lib --emit metadata";
    session.say(&format!("$ rustc {options} {path}"));
    let output = Command::new("rustc")
        .args(options.split(' '))
        .arg("--out-dir")
        .arg(out_dir.path())
        .arg(&path)
        .current_dir(bins::workspace_root()?)
        .output()
        .context("could not run rustc (is Rust installed with rustup?)")?;
    if output.status.success() {
        bail!("rustc compiled {path}, which must fail");
    }
    for line in String::from_utf8_lossy(&output.stderr).lines() {
        session.say(&without_commit(line));
    }
    Ok(())
}

/// `line` with the commit hash in rustc's paths to its own sources (`/rustc/59807616e1fa.../`)
/// replaced by `<commit>`: it changes with every Rust release.
fn without_commit(line: &str) -> String {
    let Some((before, after)) = line.split_once("/rustc/") else {
        return line.to_string();
    };
    let rest = after.trim_start_matches(|c: char| c.is_ascii_hexdigit());
    format!("{before}/rustc/<commit>{rest}")
}

/// Scenario `load-client-threaded`, shown in lesson 8.
pub const LOAD_CLIENT_THREADED: Scenario = Scenario {
    name: "load-client-threaded",
    packages: &["lesson-concurrency"],
    script: load_client_threaded,
};

/// load-client with 100 clients of 10 requests against threaded-server; the server's 200
/// lines are counted rather than shown.
fn load_client_threaded(session: &mut Session) -> Result<()> {
    let args = ["--port", "0", "--max-clients", "100"];
    let mut server = session.start_server("server", "threaded-server", &args)?;
    let port = server.port_arg();
    let args = [
        "--port",
        port.as_str(),
        "--clients",
        "100",
        "--requests",
        "10",
    ];
    session.run("client", "load-client", &args, "")?;
    let mut closed = 0;
    let mut accepted = 0;
    while closed < 100 {
        let line = server.next_line()?;
        accepted += usize::from(line.starts_with("accepted connection from "));
        closed += usize::from(line.starts_with("closed connection from "));
        if !line.starts_with("accepted connection from ")
            && !line.starts_with("closed connection from ")
        {
            bail!("threaded-server printed {line:?}");
        }
    }
    session.say(&format!(
        "server | ({accepted} lines `accepted connection from ...`, {closed} lines `closed connection from ...`)"
    ));
    session.stop("server", &mut server)
}
