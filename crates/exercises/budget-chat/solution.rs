//! Exercise `budget-chat` (lesson 9), the reference solution. Try it yourself first: your
//! file is `crates/exercises/budget-chat/budget-chat.rs`.
//!
//! A chat room (Protohackers' Budget Chat): a thread per client reads its lines; the room,
//! behind a `Mutex`, knows the members; each member has a queue of at most `QUEUE` lines, sent
//! by a writer thread of its own. A member whose queue is full is not reading: it is dropped,
//! and nobody waits for it. A relayed line reaches the others with its control bytes escaped
//! (`\r` as the two characters `\r`, ESC as `\x1b`: `netlesson::show::escape_controls`, as in
//! lesson 9's chat-server), and nothing is logged while the room is locked.

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpStream};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;

use anyhow::{Context, Result, anyhow, bail};
use exercises::Settings;
use netlesson::framing::{FrameError, read_until_delimiter};
use netlesson::log;
use netlesson::server::report_client;
use netlesson::show::escape_controls;

/// The port budget-chat listens on unless `--port` says otherwise.
const PORT: u16 = 7779;

/// The first line every client hears.
const WELCOME: &str = "Welcome to budgetchat! What shall I call you?\n";

/// The longest line a client may send, without its `\n`.
const MAX_LINE: usize = 1000;

/// The longest name.
const MAX_NAME: usize = 16;

/// How many lines may wait to be sent to one member.
const QUEUE: usize = 1000;

fn main() -> ExitCode {
    netlesson::finish(run(), None)
}

/// Listens, then starts a thread for each client that connects.
fn run() -> Result<()> {
    let (listener, settings) = exercises::listen(PORT)?;
    let room = Arc::new(Mutex::new(Room::default()));
    loop {
        // Pauses after a failed accept instead of spinning (out of file descriptors, say).
        let (client, peer) = netlesson::server::accept(&listener);
        log!("accepted connection from {peer}");
        let room = Arc::clone(&room);
        thread::spawn(move || {
            let result = serve_client(client, &room, settings);
            report_client(peer, result, settings.idle_timeout);
        });
    }
}

/// One client, from the welcome to the close, in its own thread: this thread reads what the
/// client sends; a writer thread sends it every line queued for it.
fn serve_client(client: TcpStream, room: &Mutex<Room>, settings: Settings) -> Result<()> {
    client.set_read_timeout(Some(settings.idle_timeout))?;
    client.set_write_timeout(Some(settings.idle_timeout))?;
    client.set_nodelay(true)?;
    let (outgoing, queue) = mpsc::sync_channel(QUEUE);
    let for_the_writer = client.try_clone()?;
    thread::scope(|scope| {
        let writer = scope.spawn(move || send_queued(for_the_writer, queue));
        let talked = talk(&client, room, outgoing);
        // `talk` has let go of `outgoing`, and the room of its copy: the queue ends, and so
        // does the writer, once it has sent every line.
        let sent = match writer.join() {
            Ok(sent) => sent,
            Err(_) => Err(anyhow!("the writer thread panicked")),
        };
        talked.and(sent)
    })
}

/// The reader's part: the welcome, the name, then each line to the room, then leaving.
fn talk(client: &TcpStream, room: &Mutex<Room>, outgoing: SyncSender<String>) -> Result<()> {
    let mut lines = BufReader::new(client);
    // The queue is empty: this cannot wait.
    let _ = outgoing.send(WELCOME.to_string());
    let name = match read_name(&mut lines) {
        Ok(name) => name,
        Err(problem) => return Err(refuse(&outgoing, problem)),
    };
    let connection = client.try_clone()?;
    let joined = in_room(room, |room| room.join(&name, outgoing.clone(), connection));
    let id = match joined {
        Ok(id) => id,
        Err(problem) => return Err(refuse(&outgoing, problem)),
    };
    // A member may stay quiet as long as it likes.
    client.set_read_timeout(None)?;
    let relayed = relay(&mut lines, id, room);
    if let Err(problem) = &relayed {
        let _ = outgoing.try_send(format!("ERR {problem}\n"));
    }
    in_room(room, |room| room.leave(id));
    relayed
}

/// Queues `ERR <problem>` for the client, its last line, and returns the problem.
fn refuse(outgoing: &SyncSender<String>, problem: anyhow::Error) -> anyhow::Error {
    let _ = outgoing.try_send(format!("ERR {problem}\n"));
    problem
}

/// Reads the first line, the name: 1 to 16 ASCII letters or digits.
fn read_name(lines: &mut impl BufRead) -> Result<String> {
    let Some(name) = read_line(lines).context("no name")? else {
        bail!("closed the connection without sending a name");
    };
    let valid =
        (1..=MAX_NAME).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric());
    if !valid {
        bail!("the name {name:?} is not 1 to {MAX_NAME} letters or digits");
    }
    Ok(name)
}

/// Passes each line of the client's to the room, until the client closes the connection (or
/// has been dropped).
fn relay(lines: &mut impl BufRead, id: u64, room: &Mutex<Room>) -> Result<()> {
    while let Some(text) = read_line(lines)? {
        // The others' terminals would obey control characters (`\r` to overwrite a line, ESC
        // to clear the screen): they get them escaped, as `\r` and `\x1b`, instead.
        let text = escape_controls(&text);
        if !in_room(room, |room| room.say(id, &text)) {
            break; // dropped
        }
    }
    Ok(())
}

/// The next line without its `\n`; `None` when the client closed the connection between two
/// lines. A line longer than MAX_LINE, cut short by the close, or not UTF-8 is an error.
fn read_line(lines: &mut impl BufRead) -> Result<Option<String>> {
    let line = match read_until_delimiter(lines, b"\n", MAX_LINE) {
        Ok(Some(line)) => line,
        Ok(None) => return Ok(None),
        Err(FrameError::NoDelimiter { .. }) => bail!("a line longer than {MAX_LINE} bytes"),
        Err(error) => return Err(error.into()),
    };
    match String::from_utf8(line) {
        Ok(text) => Ok(Some(text)),
        Err(_) => bail!("a line that is not UTF-8 text"),
    }
}

/// The writer thread: sends each queued line in order until the queue ends, then half-closes.
fn send_queued(mut client: TcpStream, queue: Receiver<String>) -> Result<()> {
    for line in queue {
        if let Err(error) = client.write_all(line.as_bytes()) {
            // Wake the reader, which may be waiting for a line of the client's.
            let _ = client.shutdown(Shutdown::Both);
            return Err(error).context("could not send");
        }
    }
    let _ = client.shutdown(Shutdown::Write);
    Ok(())
}

/// Everyone in the room, in the order they came in.
#[derive(Default)]
struct Room {
    members: Vec<Member>,
    next_id: u64,
    /// Log lines about the room's changes, printed by [`in_room`] once the lock is released.
    notes: Vec<String>,
}

/// A member of the room.
struct Member {
    id: u64,
    name: String,
    /// The sending end of the member's queue.
    outgoing: SyncSender<String>,
    /// A handle on the member's connection, to shut it down when the member is dropped.
    connection: TcpStream,
}

impl Room {
    /// Lets `name` in: it hears who is here, and everyone here hears that it came. Returns its
    /// number; fails if the name is taken.
    fn join(
        &mut self,
        name: &str,
        outgoing: SyncSender<String>,
        connection: TcpStream,
    ) -> Result<u64> {
        if self.members.iter().any(|member| member.name == name) {
            bail!("the name {name} is taken");
        }
        let names: Vec<&str> = self.members.iter().map(|m| m.name.as_str()).collect();
        let present = match names.is_empty() {
            true => "* The room contains:\n".to_string(),
            false => format!("* The room contains: {}\n", names.join(", ")),
        };
        let _ = outgoing.try_send(present);
        self.broadcast(&format!("* {name} has entered the room\n"), None);
        self.next_id += 1;
        self.members.push(Member {
            id: self.next_id,
            name: name.to_string(),
            outgoing,
            connection,
        });
        Ok(self.next_id)
    }

    /// Sends `text` from member `from` to all the others as `[name] text`. Returns false if
    /// `from` is not in the room any more.
    fn say(&mut self, from: u64, text: &str) -> bool {
        let Some(speaker) = self.members.iter().find(|member| member.id == from) else {
            return false;
        };
        let line = format!("[{}] {text}\n", speaker.name);
        self.broadcast(&line, Some(from));
        true
    }

    /// Queues `line` for every member but `except`, never waiting: a member whose queue is
    /// full is not reading, and is dropped.
    fn broadcast(&mut self, line: &str, except: Option<u64>) {
        let mut full = Vec::new();
        for member in self
            .members
            .iter()
            .filter(|member| Some(member.id) != except)
        {
            if let Err(TrySendError::Full(_)) = member.outgoing.try_send(line.to_string()) {
                full.push(member.id);
            }
        }
        for id in full {
            if let Some(member) = self.remove(id) {
                self.notes
                    .push(format!("{} is not reading: dropped", member.name));
                let _ = member.connection.shutdown(Shutdown::Both);
                self.broadcast(&format!("* {} has left the room\n", member.name), None);
            }
        }
    }

    /// Takes member `id` out, if it is still in, and tells the others.
    fn leave(&mut self, id: u64) {
        if let Some(member) = self.remove(id) {
            self.broadcast(&format!("* {} has left the room\n", member.name), None);
        }
    }

    fn remove(&mut self, id: u64) -> Option<Member> {
        let index = self.members.iter().position(|member| member.id == id)?;
        Some(self.members.remove(index))
    }
}

/// Changes the room under its lock, then, once the lock is released, prints what the change
/// noted: printing may wait (for a full stdout), and nobody must wait for the room meanwhile.
fn in_room<T>(room: &Mutex<Room>, change: impl FnOnce(&mut Room) -> T) -> T {
    let (result, notes) = {
        let mut room = lock(room);
        let result = change(&mut room);
        (result, std::mem::take(&mut room.notes))
    }; // <- the lock is released here
    for note in notes {
        log!("{note}");
    }
    result
}

/// Locks the room; a lock poisoned by a thread that panicked still holds a whole room.
fn lock(room: &Mutex<Room>) -> MutexGuard<'_, Room> {
    room.lock().unwrap_or_else(PoisonError::into_inner)
}
