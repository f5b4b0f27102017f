//! Lesson 9, the server: a chat room for many people at once. It speaks Protohackers' "Budget
//! Chat" protocol, so `nc` is a complete client.
//!
//! Each client is greeted and asked for a name (1 to 16 letters or digits). Once named, it is
//! told who is in the room, and everyone else hears that it came in; each line it sends goes to
//! all the others as `[name] line`; when it leaves, the others hear that too.
//!
//! How it is built: one thread per client reads what that client sends; the room, behind a
//! `Mutex`, knows who is in it; and every client has a queue of lines waiting to be sent to it,
//! which a writer thread of its own sends. Putting a line in a queue never waits, so a client
//! that stops reading fills only its own queue; when that is full, the client is dropped.
//!
//! Run it with `cargo run --bin chat-server`, then `cargo run --bin chat-client` (or
//! `nc 127.0.0.1 7777`) in two or three more terminals. The walkthrough is `lessons/09-chat.md`.

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;
use netlesson::framing::{FrameError, read_until_delimiter, send_all};
use netlesson::server::{report_client, set_timeouts};
use netlesson::show::{escape_controls, explain_io, show_bytes};
use netlesson::{Limit, ServerOptions, Traced, describe, log};

/// chat-server's port (Protohackers leaves the port to you; 7777 is the course's).
const PORT: u16 = 7777;

/// How many connections the operating system may queue before we accept them: many people
/// may come in at once.
const BACKLOG: i32 = 128;

/// The longest line a client may send, without its `\n`.
const MAX_LINE: usize = 1000;

/// The longest name.
const MAX_NAME: usize = 16;

/// The first thing every client hears.
const WELCOME: &str = "Welcome to budgetchat! What shall I call you?\n";

/// Lesson 9's server: a chat room (Budget Chat) for many clients at once.
#[derive(Parser)]
#[command(version)]
// A thread per client means that no client holds the server, so the `--client-deadline` of the
// one-at-a-time servers has nothing to do here: it is accepted, and hidden from --help.
#[command(mut_arg("client_deadline", |arg| arg.hide(true)))]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    server: ServerOptions,

    /// The most clients connected at once; one more is told `ERR server full` and closed
    #[arg(
        long,
        value_name = "N",
        default_value_t = 100,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000)
    )]
    max_clients: usize,

    /// How many lines may wait to be sent to one client (at least 2: the welcome and the list
    /// of names). A client that lets its queue fill up is not reading, and is dropped
    #[arg(
        long,
        value_name = "LINES",
        default_value_t = 1000,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(2..=100_000)
    )]
    queue: usize,
}

/// What each client's threads need to know of the options.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// How long a client may take to send its name (`--idle-timeout`), and to take a line we
    /// send it.
    idle_timeout: Duration,
    /// How many lines may wait for one client (`--queue`).
    queue: usize,
}

impl Limits {
    fn of(options: &Options) -> Limits {
        Limits {
            idle_timeout: options.server.idle_timeout,
            queue: options.queue,
        }
    }
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

// ANCHOR: run
fn run(options: &Options) -> Result<()> {
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    netlesson::announce(&listener)?;

    // Every client's thread uses the room: an `Arc` so that they all own it, a `Mutex` so that
    // one thread at a time changes it. `connected` counts the clients, for --max-clients.
    let room = Arc::new(Mutex::new(Room::new(options.queue)));
    let connected = Arc::new(AtomicUsize::new(0));
    let limits = Limits::of(options);
    loop {
        // Pauses after a failed accept instead of spinning (out of file descriptors, say).
        let (client, peer) = netlesson::server::accept(&listener);
        if connected.fetch_add(1, Ordering::SeqCst) >= options.max_clients {
            connected.fetch_sub(1, Ordering::SeqCst);
            turn_away(client, peer, options.max_clients);
            continue;
        }
        log!("accepted connection from {peer}");

        // A thread of its own for this client; the loop goes straight back to `accept`.
        let (room, counted) = (Arc::clone(&room), Arc::clone(&connected));
        let started = thread::Builder::new().spawn(move || {
            let result = serve_client(client, peer, &room, limits);
            counted.fetch_sub(1, Ordering::SeqCst);
            report_client(peer, result, limits.idle_timeout);
        });
        match started {
            Ok(thread) if options.server.once => {
                let _ = thread.join(); // --once: this one client, then stop
                return Ok(());
            }
            Ok(_) => {}
            Err(error) => {
                // The client's connection, in the closure, is closed already.
                log!("client {peer}: no thread for it: {}", explain_io(&error));
                connected.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}
// ANCHOR_END: run

/// Tells a client that came in over --max-clients that the server is full, and closes.
fn turn_away(client: TcpStream, peer: SocketAddr, max_clients: usize) {
    let mut client = Traced::new(client);
    // One short line into the empty send buffer of a new connection never waits.
    let _ = client.write_all(b"ERR server full\n");
    log!("client {peer}: turned away, the server is full (--max-clients {max_clients})");
}

// ANCHOR: serve_client
/// Serves one client from its first byte to the close. This thread reads what the client sends
/// (`talk`); a second one, the writer, sends it every line queued for it.
fn serve_client(
    client: TcpStream,
    peer: SocketAddr,
    room: &Mutex<Room>,
    limits: Limits,
) -> Result<()> {
    set_timeouts(&client, limits.idle_timeout)?;
    // Send each line at once, not after the last one is acknowledged (Nagle's algorithm).
    client.set_nodelay(true)?;
    // Shared by the two threads here and by the room, which shuts it down to drop the client.
    let connection = Arc::new(Traced::new(client));

    // The client's queue of at most `limits.queue` lines: `outgoing` puts in, `queue` takes out.
    let (outgoing, queue) = mpsc::sync_channel::<Line>(limits.queue);

    // A scope: both threads end before it does, so the writer may borrow `connection`.
    thread::scope(|scope| {
        let writer = thread::Builder::new()
            .spawn_scoped(scope, || send_queued(&connection, queue))
            .context("could not start a writer thread")?;
        let talked = talk(&connection, peer, room, outgoing, limits);
        let sent = match writer.join() {
            Ok(sent) => sent,
            Err(_) => Err(anyhow!("the writer thread panicked")),
        };
        match talked? {
            Ending::Left => sent,
            // The room has said why; the writer only failed because the room shut the
            // connection down.
            Ending::Dropped => Ok(()),
        }
    })
}
// ANCHOR_END: serve_client

/// How a client's time in the room ended.
enum Ending {
    /// It left (or never joined), and the room let it go.
    Left,
    /// The room had dropped it already, for not reading.
    Dropped,
}

// ANCHOR: talk
/// The reader's part: greets the client, takes its name, lets it in, passes each of its lines
/// to the room, and takes it out again. Whatever goes wrong is told to the client in one
/// `ERR ...` line before the connection closes.
fn talk(
    connection: &Arc<Traced<TcpStream>>,
    peer: SocketAddr,
    room: &Mutex<Room>,
    outgoing: SyncSender<Line>,
    limits: Limits,
) -> Result<Ending> {
    let mut lines = BufReader::new(&**connection);
    // Our own queue is empty: this never waits.
    let _ = outgoing.send(Arc::from(WELCOME));

    let joined = read_name(&mut lines).and_then(|name| {
        in_room(room, |room| {
            room.join(name, peer, outgoing.clone(), Arc::clone(connection))
        })
    });
    let id = match joined {
        Ok(id) => id,
        Err(problem) => {
            tell(&outgoing, &problem, limits);
            return Err(problem);
        }
    };

    // A member may stay quiet as long as it likes: no more time limit on reading.
    connection.get_ref().set_read_timeout(None)?;
    let relayed = relay(&mut lines, id, room);
    if let Err(problem) = &relayed {
        tell(&outgoing, problem, limits);
    }
    let was_in_the_room = in_room(room, |room| room.leave(id));
    match was_in_the_room {
        true => relayed.map(|()| Ending::Left),
        false => Ok(Ending::Dropped),
    }
} // <- `outgoing` is dropped: once the room has let go of its copy too, the writer's queue ends.
// ANCHOR_END: talk

// ANCHOR: read_name
/// Reads the client's first line, its name: 1 to 16 ASCII letters or digits.
fn read_name(lines: &mut impl BufRead) -> Result<String> {
    let Some(line) = read_line(lines).context("did not send a name")? else {
        bail!("closed the connection without sending a name");
    };
    let valid = (1..=MAX_NAME).contains(&line.len()) && line.iter().all(u8::is_ascii_alphanumeric);
    if !valid {
        bail!(
            "the name {} is not 1 to {MAX_NAME} letters or digits",
            show_bytes(&line)
        );
    }
    // Only ASCII letters and digits: always valid UTF-8.
    Ok(String::from_utf8_lossy(&line).into_owned())
}
// ANCHOR_END: read_name

// ANCHOR: relay
/// Passes each line the client sends to the room, until the client closes the connection or
/// the room has dropped it.
fn relay(lines: &mut impl BufRead, id: MemberId, room: &Mutex<Room>) -> Result<()> {
    while let Some(line) = read_line(lines)? {
        let Ok(text) = String::from_utf8(line) else {
            bail!("sent a line that is not UTF-8 text");
        };
        // The others' terminals would obey control characters (`\r` to overwrite a line, ESC
        // to clear the screen): they see them escaped, as `\r` and `\x1b`, instead.
        let text = escape_controls(&text);
        if !in_room(room, |room| room.say(id, &text)) {
            return Ok(()); // dropped: nobody hears this client any more
        }
    }
    Ok(())
}
// ANCHOR_END: relay

/// The next line, without its `\n`; `None` when the client closed the connection between two
/// lines. Fails on a line longer than [`MAX_LINE`] and on a connection closed in mid-line.
fn read_line(lines: &mut impl BufRead) -> Result<Option<Vec<u8>>> {
    match read_until_delimiter(lines, b"\n", MAX_LINE) {
        Err(FrameError::NoDelimiter { .. }) => bail!("sent a line longer than {MAX_LINE} bytes"),
        read => Ok(read?),
    }
}

/// Puts `ERR <problem>` in the client's queue, if there is room: the client's last line.
fn tell(outgoing: &SyncSender<Line>, problem: &anyhow::Error, limits: Limits) {
    let idle = Limit::idle_timeout(limits.idle_timeout);
    let line = format!("ERR {}\n", describe(problem, Some(idle)));
    let _ = outgoing.try_send(Arc::from(line));
}

// ANCHOR: writer
/// The writer thread: sends each line queued for the client, in order, until the queue ends
/// (the reader and the room have both let go of it). Then it says "nothing more" with a
/// half-close, and the client reads the end of the stream.
fn send_queued(connection: &Traced<TcpStream>, queue: Receiver<Line>) -> Result<()> {
    let mut sending = connection;
    for line in queue {
        if let Err(error) = send_all(&mut sending, line.as_bytes()) {
            // Wake the reader, which may be waiting for a line: its read now returns 0 bytes.
            let _ = connection.shutdown(Shutdown::Both);
            return Err(error).context("could not send");
        }
    }
    let _ = connection.shutdown(Shutdown::Write);
    Ok(())
}
// ANCHOR_END: writer

/// One line to send, shared by every queue it is in: the text is stored once, however many
/// members hear it.
type Line = Arc<str>;

/// A member's number, unique for the server's lifetime: a name can come back after its owner
/// left, a number never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MemberId(u64);

// ANCHOR: room
/// Everyone in the room, in the order they came in, and how to reach each of them.
struct Room {
    members: Vec<Member>,
    next_id: u64,
    /// `--queue`, for the line that says why a member was dropped.
    queue: usize,
    /// Log lines about the room's changes, printed by [`in_room`] once the lock is released.
    notes: Vec<String>,
    /// Connections of dropped members, shut down by [`in_room`] after the notes are printed.
    to_shut: Vec<Arc<Traced<TcpStream>>>,
}

/// A member of the room.
struct Member {
    id: MemberId,
    name: String,
    /// The sending end of the member's queue.
    outgoing: SyncSender<Line>,
    /// The member's connection, to shut it down when the member is dropped.
    connection: Arc<Traced<TcpStream>>,
}
// ANCHOR_END: room

impl Room {
    fn new(queue: usize) -> Room {
        Room {
            members: Vec::new(),
            next_id: 1,
            queue,
            notes: Vec::new(),
            to_shut: Vec::new(),
        }
    }

    // ANCHOR: join
    /// Lets `name` in: it hears who is here, and everyone here hears that it came. Fails if
    /// the name is taken.
    fn join(
        &mut self,
        name: String,
        peer: SocketAddr,
        outgoing: SyncSender<Line>,
        connection: Arc<Traced<TcpStream>>,
    ) -> Result<MemberId> {
        if self.members.iter().any(|member| member.name == name) {
            bail!("the name {name} is taken");
        }
        let id = MemberId(self.next_id);
        self.next_id += 1;
        self.notes.push(format!(
            "{name} joined from {peer} ({} in the room)",
            self.members.len() + 1
        ));

        // The newcomer's queue holds at most the welcome line: there is room (--queue >= 2).
        let _ = outgoing.try_send(Arc::from(self.presence_line()));
        self.broadcast(&format!("* {name} has entered the room\n"), None);
        self.members.push(Member {
            id,
            name,
            outgoing,
            connection,
        });
        Ok(id)
    }
    // ANCHOR_END: join

    /// `* The room contains: alice, bob`, the members in the order they came in; nothing after
    /// the colon when the room is empty.
    fn presence_line(&self) -> String {
        let names: Vec<&str> = self
            .members
            .iter()
            .map(|member| member.name.as_str())
            .collect();
        match names.is_empty() {
            true => "* The room contains:\n".to_string(),
            false => format!("* The room contains: {}\n", names.join(", ")),
        }
    }

    /// Sends `text` from member `from` to everyone else, as `[name] text`. Returns false when
    /// `from` is not in the room any more (it was dropped).
    fn say(&mut self, from: MemberId, text: &str) -> bool {
        let Some(speaker) = self.members.iter().find(|member| member.id == from) else {
            return false;
        };
        let line = format!("[{}] {text}\n", speaker.name);
        self.broadcast(&line, Some(from));
        true
    }

    // ANCHOR: broadcast
    /// Puts `line` in the queue of every member but `except`. This never waits: a member whose
    /// queue is full has stopped reading, and is dropped.
    fn broadcast(&mut self, line: &str, except: Option<MemberId>) {
        let line: Line = Arc::from(line);
        let mut not_reading = Vec::new();
        for member in &self.members {
            if Some(member.id) == except {
                continue;
            }
            // `try_send` returns at once: `Full` if the queue is full. (`Disconnected` means the
            // member's writer has stopped; its reader is about to leave the room.)
            if let Err(TrySendError::Full(_)) = member.outgoing.try_send(Arc::clone(&line)) {
                not_reading.push(member.id);
            }
        }
        for id in not_reading {
            self.drop_member(id);
        }
    }
    // ANCHOR_END: broadcast

    // ANCHOR: leave
    /// Takes member `id` out, and tells the others. Returns false if it had been dropped
    /// already.
    fn leave(&mut self, id: MemberId) -> bool {
        let Some(member) = self.remove(id) else {
            return false;
        };
        let in_the_room = self.members.len();
        self.notes
            .push(format!("{} left ({in_the_room} in the room)", member.name));
        self.broadcast(&format!("* {} has left the room\n", member.name), None);
        true
    }

    /// Takes out member `id`, which is not reading, and tells the others that it left. Its
    /// connection will be shut down (which wakes its two threads) once the lock is released.
    fn drop_member(&mut self, id: MemberId) {
        // Telling the others may drop another member, which may have been this one.
        let Some(member) = self.remove(id) else {
            return;
        };
        self.to_shut.push(Arc::clone(&member.connection));
        self.notes.push(format!(
            "{} dropped: not reading, {} lines wait in its queue (--queue {}) ({} in the room)",
            member.name,
            self.queue,
            self.queue,
            self.members.len()
        ));
        self.broadcast(&format!("* {} has left the room\n", member.name), None);
    }
    // ANCHOR_END: leave

    /// Removes member `id` from the list, if it is in it. Its queue's sending end goes with it.
    fn remove(&mut self, id: MemberId) -> Option<Member> {
        let index = self.members.iter().position(|member| member.id == id)?;
        Some(self.members.remove(index))
    }
}

// ANCHOR: in_room
/// Changes the room under its lock, then, once the lock is released, prints what the change
/// noted and shuts down the connections of members it dropped. Printing can be slow (stdout may
/// be a terminal or a pipe that nobody reads), and while one thread holds the room's lock,
/// every other client's thread waits for it: a lock is held for the change, nothing more.
fn in_room<T>(room: &Mutex<Room>, change: impl FnOnce(&mut Room) -> T) -> T {
    let (result, notes, to_shut) = {
        let mut room = lock(room);
        let result = change(&mut room);
        let notes = std::mem::take(&mut room.notes);
        (result, notes, std::mem::take(&mut room.to_shut))
    }; // <- the lock is released here
    for note in notes {
        log!("{note}");
    }
    // After the note that says why: the dropped member's own thread then says it closed.
    for connection in to_shut {
        let _ = connection.shutdown(Shutdown::Both);
    }
    result
}
// ANCHOR_END: in_room

/// Locks the room. If a thread panicked while it held the lock, the lock is "poisoned"; every
/// change to the room is one push or one remove, so the room is still whole, and we carry on
/// rather than stop every other client.
fn lock(room: &Mutex<Room>) -> MutexGuard<'_, Room> {
    room.lock().unwrap_or_else(PoisonError::into_inner)
}
