//! Demo 9: three chat-clients join a chat-server, talk, and one leaves; then the server stops.
//! And the scenario lesson 9 shows: a user who stops reading while the others keep talking.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::demo::{Demo, Scenario, Session};
use testkit::client::Conn;
use testkit::procs::{Running, Server};

/// `cargo demo 9`.
pub const DEMO: Demo = Demo {
    number: 9,
    title: "chat, many clients at once",
    lesson: "lessons/09-chat.md",
    packages: &["lesson-chat"],
    by_hand: &[
        "cargo run --bin chat-server",
        "cargo run --bin chat-client -- --name alice",
        "cargo run --bin chat-client -- --name bob   (or: nc 127.0.0.1 7777, and type a name)",
    ],
    script,
};

fn script(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "chat-server", &["--port", "0"])?;
    let port = server.port_arg();
    let mut alice = join(session, &mut server, &port, "alice")?;
    let mut bob = join(session, &mut server, &port, "bob")?;
    show_line(session, "alice", &mut alice, "* bob has entered the room")?;
    let mut carol = join(session, &mut server, &port, "carol")?;
    show_line(session, "alice", &mut alice, "* carol has entered the room")?;
    show_line(session, "bob", &mut bob, "* carol has entered the room")?;

    session.say("");
    say_and_show(
        session,
        ("alice", &mut alice),
        "hi, both of you",
        [("bob", &mut bob), ("carol", &mut carol)],
    )?;
    say_and_show(
        session,
        ("bob", &mut bob),
        "hello alice!",
        [("alice", &mut alice), ("carol", &mut carol)],
    )?;

    session.say("");
    session.say("(carol presses Ctrl-D: her input ends, her client closes its side, she leaves)");
    carol.close_stdin();
    show_line(session, "alice", &mut alice, "* carol has left the room")?;
    show_line(session, "bob", &mut bob, "* carol has left the room")?;
    session.finish("carol", &mut carol)?;
    session.show_until("server", &mut server, |line| {
        line.starts_with("closed connection from ")
    })?;

    session.say("");
    session.stop("server", &mut server)?;
    // Their input is still open: they end because the server closed, and say so.
    let closed = "(the server closed the connection)";
    show_line(session, "alice", &mut alice, closed)?;
    session.finish("alice", &mut alice)?;
    show_line(session, "bob", &mut bob, closed)?;
    session.finish("bob", &mut bob)
}

/// Starts a chat-client that joins as `name`, and shows its first lines and the server's.
fn join(session: &mut Session, server: &mut Server, port: &str, name: &str) -> Result<Running> {
    session.say("");
    let mut client = session.start(name, "chat-client", &["--port", port, "--name", name])?;
    session.show_until(name, &mut client, |line| {
        line.starts_with("* The room contains:")
    })?;
    let joined = format!("{name} joined from ");
    session.show_until("server", server, |line| line.starts_with(&joined))?;
    Ok(client)
}

/// Shows `client`'s lines up to `line`.
fn show_line(session: &mut Session, label: &str, client: &mut Running, line: &str) -> Result<()> {
    session.show_until(label, client, |seen| seen == line)
}

/// Types `text` into the speaker's client, and shows the line arriving at each listener.
fn say_and_show<const N: usize>(
    session: &mut Session,
    (name, speaker): (&str, &mut Running),
    text: &str,
    listeners: [(&str, &mut Running); N],
) -> Result<()> {
    session.say(&format!("({name} types \"{text}\" and Enter)"));
    speaker.write_stdin(&format!("{text}\n"))?;
    let line = format!("[{name}] {text}");
    for (label, listener) in listeners {
        show_line(session, label, listener, &line)?;
    }
    Ok(())
}

/// Scenario `chat-slow-reader`, shown in lesson 9.
pub const SLOW_READER: Scenario = Scenario {
    name: "chat-slow-reader",
    packages: &["lesson-chat"],
    script: slow_reader,
};

/// How many lines the talker sends in one write.
const BATCH: usize = 50;

/// The talker gives up after this many lines (16 MB): far more than the buffers of one
/// connection and a queue hold.
const MOST_LINES: usize = 16_000;

/// Three users: `talker` says 1000-byte lines, `listener` reads each, `slow` reads nothing.
fn slow_reader(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "chat-server", &["--port", "0"])?;
    session.say("(three users join: listener and talker read what arrives; slow reads nothing)");
    // Each user joins once the server has said that the one before did: the server logs a
    // join after releasing the room's lock, so a newcomer may hear who is in the room before
    // that line is printed, and the next one's `accepted connection` could come first.
    let mut listener = ChatUser::join(server.address, "listener")?;
    session.show_until("server", &mut server, |line| {
        line.starts_with("listener joined")
    })?;
    let mut talker = ChatUser::join(server.address, "talker")?;
    listener.expect("* talker has entered the room")?;
    session.show_until("server", &mut server, |line| {
        line.starts_with("talker joined")
    })?;
    let _slow = ChatUser::join(server.address, "slow")?;
    listener.expect("* slow has entered the room")?;
    talker.expect("* slow has entered the room")?;
    session.show_until("server", &mut server, |line| {
        line.starts_with("slow joined")
    })?;

    session.say(&format!(
        "(talker says 1000-byte lines, {BATCH} at a time, until slow is dropped)"
    ));
    let mut sent = 0;
    let mut slowest = Duration::ZERO;
    let mut slow_left = false;
    while !slow_left {
        if sent >= MOST_LINES {
            bail!("slow was not dropped after {sent} lines");
        }
        let started = Instant::now();
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
        slowest = slowest.max(started.elapsed());
        sent += BATCH;
    }
    session.show_until("server", &mut server, |line| {
        line.starts_with("slow dropped")
    })?;
    session
        .say("listener | got every line of talker's, in order, and \"* slow has left the room\"");
    session.say(&format!(
        "listener | the longest wait for a batch of {BATCH} lines: {}",
        netlesson::show::seconds(slowest)
    ));
    talker.expect("* slow has left the room")?;
    session.say("talker   | heard \"* slow has left the room\" too");
    session.show_until("server", &mut server, |line| {
        line.starts_with("closed connection from ")
    })?;
    session.stop("server", &mut server)
}

/// Line `number` of the talker: 1000 bytes (the longest Budget Chat allows), then `\n`.
fn numbered_line(number: usize) -> String {
    format!("{number:06} {}\n", "x".repeat(993))
}

/// A chat user played by the scenario: a connection, and a line reader on the same connection.
struct ChatUser {
    conn: Conn,
    lines: BufReader<TcpStream>,
}

impl ChatUser {
    /// Connects, sends `name`, and reads the welcome and the list of those present.
    fn join(address: SocketAddr, name: &str) -> Result<ChatUser> {
        let mut conn = Conn::connect(address)?;
        let reading = conn.stream().try_clone().context("a second handle")?;
        let mut user = ChatUser {
            conn,
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
        Ok(self.conn.send(bytes)?)
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
