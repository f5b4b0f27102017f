//! Demo 10: the same 1000 idle clients against lesson 8's threaded-server and lesson 10's
//! async-server, their threads and memory side by side (from `/proc`); then a room of
//! async-chat-server where one member stops reading. Scenarios: a future does nothing until
//! awaited; a blocking sleep in a task stops every other task.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::demo::{Demo, Scenario, Session};
use testkit::procs::Server;

/// `cargo demo 10`.
pub const DEMO: Demo = Demo {
    number: 10,
    title: "one thread, many sockets",
    lesson: "lessons/10-async.md",
    packages: &["lesson-concurrency", "lesson-async"],
    by_hand: &[
        "cargo run --bin async-server   (or: cargo run --bin poll-server, port 12004)",
        "nc 127.0.0.1 12005   (type UPPER hello, STATS, QUIT; then: cargo run --bin load-client -- --port 12005 --clients 1000)",
    ],
    script,
};

/// How many idle clients the demo connects.
const IDLE: u64 = 1000;

fn script(session: &mut Session) -> Result<()> {
    // 1000 connections are 1000 open files in this process too.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    session.say(&format!(
        "({IDLE} clients connect and say nothing; a thread per client first: lesson 8's threaded-server)"
    ));
    let args = ["--port", "0", "--max-clients", "2000"];
    // Each server has one thread more than it serves with: netlesson's log writer.
    let threaded = idle_clients(session, "threaded-server", &args, IDLE + 2)?;
    session.say("");
    session.say(
        "(the same clients against async-server: a tokio task per client, one thread; each \
         server has one more, its log writer)",
    );
    let asynchronous = idle_clients(session, "async-server", &["--port", "0"], 2)?;
    session.say("");
    session.say(&format!(
        "{IDLE} idle clients     threads   memory in use (VmRSS)"
    ));
    for (name, (threads, memory)) in [
        ("threaded-server", threaded),
        ("async-server", asynchronous),
    ] {
        session.say(&format!("  {name:<18} {threads:>6}   {memory}"));
    }
    session.say("");
    slow_reader(session)
}

/// Starts `bin`, connects IDLE clients that say nothing, waits until it has accepted them all
/// (and has `threads` threads), shows its threads and memory, checks that one more client is
/// served, and stops it. Returns the threads and memory shown.
fn idle_clients(
    session: &mut Session,
    bin: &str,
    args: &[&str],
    threads: u64,
) -> Result<(u64, String)> {
    let mut server = session.start_server("server", bin, args)?;
    let clients: Vec<TcpStream> = (0..IDLE)
        .map(|_| TcpStream::connect(server.address).context("could not connect an idle client"))
        .collect::<Result<_>>()?;
    session.say(&format!("clients | {IDLE} connect and say nothing"));
    count_lines(session, &mut server, "accepted connection from ", IDLE)?;
    let pid = server.id();
    wait_for_threads(pid, threads)?;
    let (found, memory) = usage(pid)?;
    let threads = netlesson::show::count(found as usize, "thread");
    session.say(&format!("/proc   | {bin}: {threads}, {memory}"));
    let reply = ask(server.address, "UPPER hello")?;
    session.say(&format!(
        "client {} | connects, sends \"UPPER hello\", gets {reply:?}, says QUIT",
        IDLE + 1
    ));
    session.show_until("server", &mut server, |line| {
        line.starts_with("closed connection from ")
    })?;
    // Stopped before the clients leave: 1000 lines `closed connection from ...` say nothing new.
    session.stop("server", &mut server)?;
    drop(clients);
    Ok((found, memory))
}

/// Reads the server's lines until `count` start with `prefix`, and says so in one line.
fn count_lines(session: &mut Session, server: &mut Server, prefix: &str, count: u64) -> Result<()> {
    let mut seen = 0;
    while seen < count {
        let line = server.next_line()?;
        seen += u64::from(line.starts_with(prefix));
    }
    session.say(&format!("server | ({count} lines `{}...`)", prefix));
    Ok(())
}

/// Waits (at most 10 s) until process `pid` has `threads` threads.
fn wait_for_threads(pid: u32, threads: u64) -> Result<()> {
    for _ in 0..1000 {
        let (now, _) = usage(pid)?;
        if now == threads {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    bail!("the server did not get to {threads} threads")
}

/// Process `pid`'s threads, and its memory in use, from `/proc/<pid>/status` (Linux).
fn usage(pid: u32) -> Result<(u64, String)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .context("no /proc/<pid>/status: this demo measures on Linux only")?;
    let field = |name: &str| -> Result<u64> {
        let line = status
            .lines()
            .find(|line| line.starts_with(name))
            .with_context(|| format!("no {name} in /proc/{pid}/status"))?;
        let number = line[name.len()..].split_whitespace().next().unwrap_or("");
        number
            .parse()
            .with_context(|| format!("{name} is not a number"))
    };
    let memory = format!("{:.1} MiB in use", field("VmRSS:")? as f64 / 1024.0);
    Ok((field("Threads:")?, memory))
}

/// Connects, sends `request` and `QUIT`, and returns the reply to `request` (without its
/// `\n`) once the server has said `BYE` and closed the connection.
fn ask(address: SocketAddr, request: &str) -> Result<String> {
    let stream = TcpStream::connect(address).context("could not connect")?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    (&stream).write_all(format!("{request}\nQUIT\n").as_bytes())?;
    let mut replies = String::new();
    BufReader::new(&stream)
        .read_to_string(&mut replies)
        .context("no reply")?;
    match replies.strip_suffix("\nBYE\n") {
        Some(reply) => Ok(reply.to_string()),
        None => bail!("expected a reply and BYE, got {replies:?}"),
    }
}

/// How many lines the talker sends in one write.
const BATCH: usize = 50;

/// The talker gives up after this many lines (16 MB): far more than the buffers of one
/// connection and a queue hold.
const MOST_LINES: usize = 16_000;

/// A room of three in async-chat-server: `talker` says 1000-byte lines, `listener` reads
/// each, `slow` reads nothing and is dropped; the others never notice.
fn slow_reader(session: &mut Session) -> Result<()> {
    session.say("(a chat room on one thread: async-chat-server; slow stops reading)");
    let args = ["--port", "0", "--queue", "100"];
    let mut server = session.start_server("server", "async-chat-server", &args)?;
    let mut listener = ChatUser::join(server.address, "listener")?;
    let mut talker = ChatUser::join(server.address, "talker")?;
    listener.expect("* talker has entered the room")?;
    let _slow = ChatUser::join(server.address, "slow")?;
    listener.expect("* slow has entered the room")?;
    talker.expect("* slow has entered the room")?;
    session.say("listener, talker, slow | join; slow never reads again");
    session.show_until("server", &mut server, |line| {
        line.starts_with("slow joined")
    })?;
    session.say(&format!("talker | says 1000-byte lines, {BATCH} at a time"));
    let mut sent = 0;
    let mut slow_left = false;
    while !slow_left {
        if sent >= MOST_LINES {
            bail!("slow was not dropped after {sent} lines");
        }
        let batch: String = (sent..sent + BATCH).map(numbered_line).collect();
        talker.send(batch.as_bytes())?;
        for number in sent..sent + BATCH {
            let mut line = listener.next_line()?;
            if line == "* slow has left the room" {
                slow_left = true;
                line = listener.next_line()?;
            }
            if format!("{line}\n") != format!("[talker] {}", numbered_line(number)) {
                bail!("listener expected line {number}, got {line:?}");
            }
        }
        sent += BATCH;
    }
    session.show_until("server", &mut server, |line| {
        line.starts_with("slow dropped")
    })?;
    session.show_until("server", &mut server, |line| {
        line.starts_with("closed connection from ")
    })?;
    session
        .say("listener | got every line of talker's, in order, and \"* slow has left the room\"");
    session.stop("server", &mut server)
}

/// Line `number` of the talker: 1000 bytes (the longest Budget Chat allows), then `\n`.
fn numbered_line(number: usize) -> String {
    format!("{number:06} {}\n", "x".repeat(993))
}

/// A chat user played by the demo: a connection and a line reader on it.
struct ChatUser {
    stream: TcpStream,
    lines: BufReader<TcpStream>,
}

impl ChatUser {
    /// Connects, sends `name`, and reads the welcome and the list of those present.
    fn join(address: SocketAddr, name: &str) -> Result<ChatUser> {
        let stream = TcpStream::connect(address).context("could not connect")?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.set_write_timeout(Some(Duration::from_secs(10)))?;
        let reading = stream.try_clone().context("a second handle")?;
        let mut user = ChatUser {
            stream,
            lines: BufReader::new(reading),
        };
        user.send(format!("{name}\n").as_bytes())?;
        user.next_line()?; // the welcome
        let present = user.next_line()?;
        if !present.starts_with("* The room contains:") {
            bail!("{name} expected the list of those present, got {present:?}");
        }
        Ok(user)
    }

    fn send(&mut self, bytes: &[u8]) -> Result<()> {
        self.stream.write_all(bytes).context("could not send")
    }

    fn next_line(&mut self) -> Result<String> {
        let mut line = String::new();
        self.lines
            .read_line(&mut line)
            .context("could not read a line")?;
        match line.strip_suffix('\n') {
            Some(line) => Ok(line.to_string()),
            None => bail!("the connection ended in mid-line: {line:?}"),
        }
    }

    fn expect(&mut self, expected: &str) -> Result<()> {
        let line = self.next_line()?;
        if line != expected {
            bail!("expected {expected:?}, got {line:?}");
        }
        Ok(())
    }
}

/// Scenario `future-is-lazy`, shown in lesson 10.
pub const LAZY: Scenario = Scenario {
    name: "future-is-lazy",
    packages: &["lesson-async"],
    script: |session| session.run("run", "runtime-demo", &["lazy"], ""),
};

/// Scenario `tokio-sleep`, shown in lesson 10: the ticker goes on while a task sleeps.
pub const TOKIO_SLEEP: Scenario = Scenario {
    name: "tokio-sleep",
    packages: &["lesson-async"],
    script: |session| session.run("run", "runtime-demo", &["sleep"], ""),
};

/// Scenario `blocking-sleep`, shown in lesson 10: a blocking sleep stops every task.
pub const BLOCKING_SLEEP: Scenario = Scenario {
    name: "blocking-sleep",
    packages: &["lesson-async"],
    script: |session| session.run("run", "runtime-demo", &["sleep", "--blocking"], ""),
};

/// Scenario `poll-server-trace`, shown in lesson 10: every call of the event loop for one
/// client, "would block" included.
pub const POLL_TRACE: Scenario = Scenario {
    name: "poll-server-trace",
    packages: &["lesson-async"],
    script: poll_trace,
};

/// A client connects to `poll-server --trace`, sends two requests in one write, then QUIT.
fn poll_trace(session: &mut Session) -> Result<()> {
    let args = ["--port", "0", "--trace"];
    let mut server = session.start_server("server", "poll-server", &args)?;
    let stream = TcpStream::connect(server.address).context("could not connect")?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    session.say("client | connects");
    // The first event of a new connection says "writable"; reading then finds nothing.
    session.show_until("server", &mut server, |line| line.contains("would block"))?;
    let mut replies = BufReader::new(&stream);
    for (request, count) in [("UPPER hi\nREVERSE abc\n", 2), ("QUIT\n", 1)] {
        (&stream).write_all(request.as_bytes())?;
        let mut got = Vec::new();
        for _ in 0..count {
            let mut line = String::new();
            replies.read_line(&mut line).context("no reply")?;
            got.push(format!("{:?}", line.trim_end()));
        }
        session.say(&format!(
            "client | sends {request:?} in one write, gets {}",
            got.join(", ")
        ));
        let last = if count == 2 {
            "send("
        } else {
            "closed connection from "
        };
        session.show_until("server", &mut server, |line| line.contains(last))?;
    }
    session.stop("server", &mut server)
}
