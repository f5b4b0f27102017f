//! Lesson 10, the chat room again: lesson 9's Budget Chat with tokio, on ONE thread.
//!
//! The design is lesson 9's, with tasks for threads. Each member has a reader task, which
//! greets it, takes its name, and passes each of its lines to the room; a bounded queue of
//! lines waiting to be sent to it; and a writer task, which sends what is queued, as many
//! lines per write as are waiting. The room (who is in it, and each member's queue) sits
//! behind a `Mutex` that is never held across an `.await`. Putting a line in a queue never
//! waits (`try_send`). A full queue whose writer waits for its socket belongs to a member who
//! does not read: it is dropped, so one member who stops reading can never slow the others
//! down. A full queue whose writer does not wait means that the server itself is behind: then
//! the speaker's task waits for room (and reads no more from its own client meanwhile), so the
//! room slows its speakers down instead of dropping members who read.
//!
//! Run it with `cargo run --bin async-chat-server`, then `cargo run --bin chat-client --
//! --port 7778` (or `nc 127.0.0.1 7778`) in two or three more terminals. The walkthrough is
//! `lessons/10-async.md`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;
use netlesson::framing::FrameError;
use netlesson::server::{ACCEPT_PAUSE, AcceptFailures};
use netlesson::show::{escape_controls, show_bytes};
use netlesson::{Limit, ServerOptions, describe, log};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::sync::mpsc::{self, Receiver, Sender, error::TrySendError};
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// async-chat-server's port: chat-server's 7777, plus one.
const PORT: u16 = 7778;

/// How many connections the operating system may queue before we accept them.
const BACKLOG: i32 = 1024;

/// The longest line a client may send, without its `\n`.
const MAX_LINE: usize = 1000;

/// The longest name.
const MAX_NAME: usize = 16;

/// The first thing every client hears.
const WELCOME: &str = "Welcome to budgetchat! What shall I call you?\n";

/// The most lines one write sends at once.
const LINES_PER_WRITE: usize = 64;

/// Lesson 10's chat server: lesson 9's Budget Chat, a tokio task per member, on one thread.
#[derive(Parser)]
#[command(version)]
// No client holds this server: the one-at-a-time servers' `--client-deadline` is accepted,
// and hidden from --help, as in chat-server.
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
        default_value_t = 10_000,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000)
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

/// What each client's tasks need to know of the options.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// How long a client may take to send its name, and to take what we send it.
    idle_timeout: Duration,
    /// How many lines may wait for one client (`--queue`).
    queue: usize,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = match runtime {
        Ok(runtime) => runtime.block_on(run(&options)),
        Err(error) => Err(error).context("could not start the tokio runtime"),
    };
    netlesson::finish(result, None)
}

// ANCHOR: run
async fn run(options: &Options) -> Result<()> {
    lesson_async::raise_open_files_limit();
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    listener.set_nonblocking(true)?;
    netlesson::announce(&listener)?;
    let listener = TcpListener::from_std(listener)?;

    let limits = Limits {
        idle_timeout: options.server.idle_timeout,
        queue: options.queue,
    };
    let room = Arc::new(Mutex::new(Room::new(limits)));
    let connected = Arc::new(AtomicUsize::new(0));
    loop {
        let (client, peer) = accept(&listener).await;
        if connected.fetch_add(1, Ordering::SeqCst) >= options.max_clients {
            connected.fetch_sub(1, Ordering::SeqCst);
            turn_away(&client, peer, options.max_clients);
            continue;
        }
        log!("accepted connection from {peer}");
        let (room, counted) = (Arc::clone(&room), Arc::clone(&connected));
        let member = tokio::spawn(async move {
            let result = serve_client(client, peer, &room, limits).await;
            counted.fetch_sub(1, Ordering::SeqCst);
            netlesson::server::report_client(peer, result, limits.idle_timeout);
        });
        if options.server.once {
            let _ = member.await; // --once: this one client, then stop
            return Ok(());
        }
    }
}
// ANCHOR_END: run

/// Waits for the next client; a failed accept is logged, and we try again a moment later.
async fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    let mut failures = AcceptFailures::default();
    loop {
        match listener.accept().await {
            Ok((client, peer)) => {
                failures.succeeded(peer);
                return (client, peer);
            }
            Err(error) => {
                failures.failed(&error);
                tokio::time::sleep(ACCEPT_PAUSE).await;
            }
        }
    }
}

/// Tells a client that came in over --max-clients that the server is full, and closes.
fn turn_away(client: &TcpStream, peer: SocketAddr, max_clients: usize) {
    // One short line into the empty send buffer of a new connection never waits.
    let _ = client.try_write(b"ERR server full\n");
    log!("client {peer}: turned away, the server is full (--max-clients {max_clients})");
}

// ANCHOR: serve_client
/// Serves one client from its first byte to the close: this task reads what the client sends
/// (`talk`); a second task, the writer, sends it every line queued for it.
async fn serve_client(
    client: TcpStream,
    peer: SocketAddr,
    room: &Mutex<Room>,
    limits: Limits,
) -> Result<()> {
    client.set_nodelay(true)?;
    // The welcome goes at once, from here: a new connection's send buffer is empty, so a
    // non-blocking write takes the whole line. (Left to the writer task, it would wait until
    // the scheduler runs that task, and a client that resets meanwhile would see its reset
    // reported by the writer instead of the reader.)
    client
        .try_write(WELCOME.as_bytes())
        .context("could not send the welcome")?;
    // Two halves that two tasks can own: the reader's and the writer's.
    let (reading, writing) = client.into_split();
    let (outgoing, queue) = mpsc::channel::<Line>(limits.queue);
    // Set while the writer waits for the socket to take more: the client is not reading.
    let stuck = Arc::new(AtomicBool::new(false));
    let mut writer = tokio::spawn(send_queued(writing, queue, Arc::clone(&stuck), limits));
    let member = NewMember { outgoing, stuck };
    let talked = talk(reading, peer, room, member, &mut writer, limits).await;
    match talked {
        // Dropped for not reading: what waits in its queue will never be read. Aborting the
        // writer cancels it at its current `.await`; its half of the socket is dropped.
        Ok(Ending::Dropped) => {
            writer.abort();
            Ok(())
        }
        // It left (or never joined): the writer sends what is queued (an `ERR` line, say),
        // then half-closes, and we report the first problem.
        Ok(Ending::Left) | Err(_) => {
            let sent = match writer.await {
                Ok(sent) => sent,
                Err(_) => Err(anyhow!("the writer task ended early")),
            };
            talked.and(sent)
        }
        Ok(Ending::WriterFailed(problem)) => Err(problem),
    }
}
// ANCHOR_END: serve_client

/// How a client's time in the room ended.
enum Ending {
    /// It left (or never joined), and the room let it go.
    Left,
    /// The room dropped it for not reading.
    Dropped,
    /// Its writer could not send (the connection broke, or the client stopped reading).
    WriterFailed(anyhow::Error),
}

// ANCHOR: talk
/// The reader's part: greets the client, takes its name, lets it in, passes each of its lines
/// to the room, and takes it out again. Whatever goes wrong is told to the client in one
/// `ERR ...` line before the connection closes.
async fn talk(
    mut reading: OwnedReadHalf,
    peer: SocketAddr,
    room: &Mutex<Room>,
    member: NewMember,
    writer: &mut JoinHandle<Result<()>>,
    limits: Limits,
) -> Result<Ending> {
    let outgoing = member.outgoing.clone();
    let mut lines = LineReader::default();
    let name = match read_name(&mut reading, &mut lines, limits.idle_timeout).await {
        Ok(name) => name,
        Err(problem) => return Err(tell(&outgoing, problem, limits)),
    };
    let dropped = Arc::new(Notify::new());
    let joined = in_room(room, |room| {
        room.join(name, peer, member, Arc::clone(&dropped))
    })
    .await;
    let id = match joined {
        Ok(id) => id,
        Err(problem) => return Err(tell(&outgoing, problem, limits)),
    };

    // A member may stay quiet as long as it likes: no time limit on its reads any more.
    let relayed = relay(&mut reading, &mut lines, id, room, &dropped, writer).await;
    let was_in_the_room = in_room(room, |room| room.leave(id)).await;
    match relayed {
        _ if !was_in_the_room => Ok(Ending::Dropped),
        Ok(ending) => Ok(ending),
        Err(problem) => Err(tell(&outgoing, problem, limits)),
    }
} // <- `outgoing` is dropped: once the room has let go of its copy too, the writer's queue ends.
// ANCHOR_END: talk

// ANCHOR: relay
/// Passes each line the client sends to the room, until the client closes the connection,
/// the room drops it, or its writer fails. `select!` waits for whichever comes first.
async fn relay(
    reading: &mut OwnedReadHalf,
    lines: &mut LineReader,
    id: MemberId,
    room: &Mutex<Room>,
    dropped: &Notify,
    writer: &mut JoinHandle<Result<()>>,
) -> Result<Ending> {
    loop {
        tokio::select! {
            line = lines.next_line(reading) => {
                let Some(line) = line? else {
                    return Ok(Ending::Left); // closed between two lines
                };
                let Ok(text) = String::from_utf8(line) else {
                    bail!("sent a line that is not UTF-8 text");
                };
                let text = escape_controls(&text); // as lesson 9: shown, not obeyed
                in_room(room, |room| room.say(id, &text)).await;
            }
            // The room dropped this member (it does not read): stop reading at once. The
            // other branch's future is dropped, which cancels its read.
            () = dropped.notified() => return Ok(Ending::Dropped),
            finished = &mut *writer => {
                let problem = match finished {
                    Ok(Err(problem)) => problem,
                    _ => anyhow!("the writer task ended early"),
                };
                return Ok(Ending::WriterFailed(problem));
            }
        }
    }
}
// ANCHOR_END: relay

/// Reads the client's first line, its name: 1 to 16 ASCII letters or digits.
async fn read_name(
    reading: &mut OwnedReadHalf,
    lines: &mut LineReader,
    idle: Duration,
) -> Result<String> {
    let line = match timeout(idle, lines.next_line(reading)).await {
        Ok(line) => line.context("did not send a name")?,
        Err(_elapsed) => {
            let timed_out = std::io::Error::from(std::io::ErrorKind::TimedOut);
            return Err(timed_out).context("did not send a name");
        }
    };
    let Some(line) = line else {
        bail!("closed the connection without sending a name");
    };
    let valid = (1..=MAX_NAME).contains(&line.len()) && line.iter().all(u8::is_ascii_alphanumeric);
    if !valid {
        bail!(
            "the name {} is not 1 to {MAX_NAME} letters or digits",
            show_bytes(&line)
        );
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// Puts `ERR <problem>` in the client's queue, if there is room (its last line), and gives
/// the problem back.
fn tell(outgoing: &Sender<Line>, problem: anyhow::Error, limits: Limits) -> anyhow::Error {
    let idle = Limit::idle_timeout(limits.idle_timeout);
    let line = format!("ERR {}\n", describe(&problem, Some(idle)));
    let _ = outgoing.try_send(Arc::from(line));
    problem
}

// ANCHOR: line_reader
/// Lines out of a byte stream, like lesson 5's `read_line`, for async code. The bytes of a
/// line not yet complete live here, outside the future that reads: when `select!` drops that
/// future to take another branch, nothing received is lost ("cancellation safe").
#[derive(Default)]
struct LineReader {
    received: Vec<u8>,
}

impl LineReader {
    /// The next line, without its `\n`; `None` when the client closed the connection between
    /// two lines. Fails on a line longer than [`MAX_LINE`] and on a connection closed in
    /// mid-line.
    async fn next_line(&mut self, reading: &mut OwnedReadHalf) -> Result<Option<Vec<u8>>> {
        loop {
            if let Some(end) = self.received.iter().position(|&byte| byte == b'\n') {
                if end > MAX_LINE {
                    bail!("sent a line longer than {MAX_LINE} bytes");
                }
                let mut line: Vec<u8> = self.received.drain(..=end).collect();
                line.pop();
                return Ok(Some(line));
            }
            if self.received.len() > MAX_LINE {
                bail!("sent a line longer than {MAX_LINE} bytes");
            }
            let mut buffer = [0u8; 1024];
            // The only `.await`: if the future is dropped here, `received` is intact.
            let count = reading.read(&mut buffer).await?;
            lesson_async::trace_recv(buffer.len(), &Ok(count), &buffer);
            if count == 0 {
                if self.received.is_empty() {
                    return Ok(None);
                }
                let half = FrameError::MissingDelimiter {
                    delimiter: "\"\\n\"".to_string(),
                    received: self.received.len(),
                };
                return Err(half.into());
            }
            self.received.extend_from_slice(&buffer[..count]);
        }
    }
}
// ANCHOR_END: line_reader

// ANCHOR: writer
/// The writer task: sends the lines queued for the client, in order, as many per write as are
/// waiting (one system call for many lines when the room is busy), until the queue ends. Then
/// it half-closes: the client reads the end of the stream.
async fn send_queued(
    mut writing: OwnedWriteHalf,
    mut queue: Receiver<Line>,
    stuck: Arc<AtomicBool>,
    limits: Limits,
) -> Result<()> {
    let mut lines = Vec::with_capacity(LINES_PER_WRITE);
    let mut bytes = Vec::new();
    // `recv_many` waits for at least one line, then takes every line waiting (up to the limit).
    while queue.recv_many(&mut lines, LINES_PER_WRITE).await > 0 {
        for line in lines.drain(..) {
            bytes.extend_from_slice(line.as_bytes());
        }
        // While this `.await` waits, the socket's send buffer is full: the client is behind.
        stuck.store(true, Ordering::Relaxed);
        let sent = timeout(limits.idle_timeout, writing.write_all(&bytes)).await;
        stuck.store(false, Ordering::Relaxed);
        lesson_async::trace_send(&bytes, &Ok(bytes.len()));
        match sent {
            Ok(result) => result.context("could not send")?,
            Err(_elapsed) => return Err(FrameError::PeerStoppedReading).context("could not send"),
        }
        bytes.clear();
    }
    let _ = writing.shutdown().await;
    Ok(())
}
// ANCHOR_END: writer

/// One line to send, shared by every queue it is in: stored once, however many hear it.
type Line = Arc<str>;

/// A member's number, unique for the server's lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MemberId(u64);

// ANCHOR: room
/// Everyone in the room, in the order they came in, and how to reach each of them.
struct Room {
    members: Vec<Member>,
    next_id: u64,
    limits: Limits,
    /// Lines to log once the lock is released: a log line can wait for a slow terminal, and
    /// nobody waits while holding the room.
    log: Vec<String>,
    /// Lines for members whose queue was full while they read: the server is behind. They are
    /// sent once the lock is released, by the task that said them, which waits for room in
    /// those queues (and so reads no more from its own client meanwhile).
    late: Vec<(Sender<Line>, Line)>,
}

/// A member of the room.
struct Member {
    id: MemberId,
    name: String,
    /// The sending end of the member's queue.
    outgoing: Sender<Line>,
    /// Whether its writer waits for the socket: then a full queue means it does not read.
    stuck: Arc<AtomicBool>,
    /// Wakes the member's reader when the room drops it.
    dropped: Arc<Notify>,
}

/// What a newcomer brings to the room: its queue, and its writer's flag.
struct NewMember {
    outgoing: Sender<Line>,
    stuck: Arc<AtomicBool>,
}
// ANCHOR_END: room

// ANCHOR: in_room
/// Runs `change` on the room under its lock; then, unlocked, logs what the room had to say
/// and sends the lines that found a reader's queue full (waiting at most --idle-timeout for
/// each). No `.await` can happen under the lock: `change` is an ordinary closure, and the
/// guard is dropped at the end of its block.
async fn in_room<T>(room: &Mutex<Room>, change: impl FnOnce(&mut Room) -> T) -> T {
    let (result, log, late, idle) = {
        let mut room = lock(room);
        let result = change(&mut room);
        let (log, late) = (
            std::mem::take(&mut room.log),
            std::mem::take(&mut room.late),
        );
        (result, log, late, room.limits.idle_timeout)
    };
    for line in log {
        log!("{line}");
    }
    for (queue, line) in late {
        // An error means the member has left, or was dropped meanwhile: nothing to do.
        let _ = timeout(idle, queue.send(line)).await;
    }
    result
}
// ANCHOR_END: in_room

impl Room {
    fn new(limits: Limits) -> Room {
        Room {
            members: Vec::new(),
            next_id: 1,
            limits,
            log: Vec::new(),
            late: Vec::new(),
        }
    }

    /// Lets `name` in: it hears who is here, and everyone here hears that it came. Fails if
    /// the name is taken.
    fn join(
        &mut self,
        name: String,
        peer: SocketAddr,
        newcomer: NewMember,
        dropped: Arc<Notify>,
    ) -> Result<MemberId> {
        if self.members.iter().any(|member| member.name == name) {
            bail!("the name {name} is taken");
        }
        let id = MemberId(self.next_id);
        self.next_id += 1;
        let count = self.members.len() + 1;
        self.log
            .push(format!("{name} joined from {peer} ({count} in the room)"));
        // The newcomer's queue is empty: there is room (--queue >= 2).
        let _ = newcomer.outgoing.try_send(Arc::from(self.presence_line()));
        self.broadcast(&format!("* {name} has entered the room\n"), None);
        self.members.push(Member {
            id,
            name,
            outgoing: newcomer.outgoing,
            stuck: newcomer.stuck,
            dropped,
        });
        Ok(id)
    }

    /// `* The room contains: alice, bob`; nothing after the colon when the room is empty.
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

    /// Sends `text` from member `from` to everyone else, as `[name] text`.
    fn say(&mut self, from: MemberId, text: &str) {
        let Some(speaker) = self.members.iter().find(|member| member.id == from) else {
            return; // dropped already
        };
        let line = format!("[{}] {text}\n", speaker.name);
        self.broadcast(&line, Some(from));
    }

    // ANCHOR: broadcast
    /// Puts `line` in the queue of every member but `except`. This never waits. A full queue
    /// whose writer waits for its socket belongs to a member that does not read: it is
    /// dropped. A full queue whose writer does not wait means that this one thread is behind:
    /// the line goes in `late`, sent by the speaker's task once the room is unlocked.
    fn broadcast(&mut self, line: &str, except: Option<MemberId>) {
        let line: Line = Arc::from(line);
        let mut not_reading = Vec::new();
        for member in &self.members {
            if Some(member.id) == except {
                continue;
            }
            if let Err(TrySendError::Full(line)) = member.outgoing.try_send(Arc::clone(&line)) {
                match member.stuck.load(Ordering::Relaxed) {
                    true => not_reading.push(member.id),
                    false => self.late.push((member.outgoing.clone(), line)),
                }
            }
        }
        for id in not_reading {
            self.drop_member(id);
        }
    }
    // ANCHOR_END: broadcast

    /// Takes member `id` out, and tells the others. Returns false if it had been dropped
    /// already.
    fn leave(&mut self, id: MemberId) -> bool {
        let Some(member) = self.remove(id) else {
            return false;
        };
        let count = self.members.len();
        self.log
            .push(format!("{} left ({count} in the room)", member.name));
        self.broadcast(&format!("* {} has left the room\n", member.name), None);
        true
    }

    /// Takes out member `id`, which is not reading: wakes its reader, and tells the others.
    fn drop_member(&mut self, id: MemberId) {
        // Telling the others may drop another member, which may have been this one.
        let Some(member) = self.remove(id) else {
            return;
        };
        member.dropped.notify_one();
        let (queue, count) = (self.limits.queue, self.members.len());
        self.log.push(format!(
            "{} dropped: not reading, {queue} lines wait in its queue (--queue {queue}) ({count} in the room)",
            member.name
        ));
        self.broadcast(&format!("* {} has left the room\n", member.name), None);
    }

    /// Removes member `id` from the list, if it is in it. Its queue's sending end goes with it.
    fn remove(&mut self, id: MemberId) -> Option<Member> {
        let index = self.members.iter().position(|member| member.id == id)?;
        Some(self.members.remove(index))
    }
}

/// Locks the room (a poisoned lock is taken as it is: see chat-server's `lock`).
fn lock(room: &Mutex<Room>) -> MutexGuard<'_, Room> {
    room.lock().unwrap_or_else(PoisonError::into_inner)
}
