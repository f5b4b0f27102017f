//! Exercise `budget-chat` (lesson 9): a chat room for many people at once.
//!
//! The task: write the chat server of lesson 9 yourself, on the same design. A thread per
//! client reads what it sends; the room, shared behind a `Mutex`, knows who is in it; each
//! member has a queue of at most `QUEUE` lines (1000), which a writer thread of its own sends.
//! Putting a line in a queue must never wait: a member whose queue is full is not reading, and
//! is dropped. The protocol is Protohackers' "Budget Chat", exactly. Every line ends with `\n`.
//!
//! - On connect, the server sends `Welcome to budgetchat! What shall I call you?`.
//! - The client's first line is its name: 1 to 16 ASCII letters or digits (no spaces, no
//!   `\r`, nothing else). Any other name, or a name a member has now, gets one error line
//!   (any text; ours start with `ERR `), then the connection closes, and nobody else hears of it.
//! - The newcomer hears who is in the room, in the order they came in:
//!   `* The room contains: alice, bob`, or `* The room contains:` (nothing after the colon, not
//!   even a space) when it is alone. Everyone already in hears `* NAME has entered the room`.
//! - Each line a member sends goes to every other member as `[NAME] line`, in the order sent;
//!   never back to the sender.
//! - A relayed line has its control bytes escaped, as lesson 9's chat-server does with
//!   `netlesson::show::escape_controls`: `\r` arrives as the two characters `\r`, ESC as
//!   `\x1b`, NUL as `\x00`, and the rest of the line as it is. (The others' terminals would
//!   obey them: the text after a `\r` overwrites the `[NAME]` that says who sent it.)
//! - When a member leaves (closes, resets, or is dropped), the others hear
//!   `* NAME has left the room`. A line cut short by the close (no `\n`) goes to nobody.
//! - A line is at most 1000 bytes, without its `\n` (`MAX_LINE`). A longer one gets an error
//!   line, then the connection closes (and the others hear that the member left).
//! - A client that sends nothing for `--idle-timeout` seconds before its name is whole gets one
//!   error line, as for a bad name, then the connection closes. A member may stay quiet as
//!   long as it likes.
//!
//! An example exchange, alice already in the room:
//!
//! ```text
//! server to bob:   Welcome to budgetchat! What shall I call you?
//! bob sends:       bob
//! server to bob:   * The room contains: alice
//! server to alice: * bob has entered the room
//! alice sends:     hi bob
//! server to bob:   [alice] hi bob
//! bob closes the connection
//! server to alice: * bob has left the room
//! ```
//!
//! Everything around your part is done: `main` reads the options (`--port`, default 7779;
//! `--host`; `--idle-timeout`) with `exercises::listen`, which also prints
//! `listening on <ip>:<port>`, and starts a thread running `serve_client` for each client.
//!
//! The design is lesson 9's, with simpler plumbing where the check does not look. If you adapt
//! the lesson's `chat-server.rs`, mind the differences (or change the types here to the
//! lesson's: any program that keeps the protocol passes):
//!
//! - The connection is a plain `TcpStream`. The writer thread owns a `try_clone` of it, and the
//!   room keeps another, to shut it down (lessons/rust-you-need.md, "A second handle:
//!   try_clone"); the lesson shares one `Arc<Traced<TcpStream>>` instead. So the writer
//!   borrows nothing: `thread::spawn` and `join` do, where the lesson needs a `thread::scope`.
//! - A line to send is a `String`, copied into each queue; the lesson's `Line` is an
//!   `Arc<str>`, one copy that every queue shares (rust-you-need, "Shared text: Arc of str").
//! - A member's number is a plain `u64`; the lesson wraps it in `MemberId`.
//! - `read_line` returns a `String` and refuses a line that is not UTF-8; the lesson's returns
//!   the bytes, and its `read_name` and `relay` check them.
//! - `Room::join` takes the name as a `&str`, and no `peer`: the lesson uses `peer` only to log
//!   `alice joined from ...`, and the check does not read the server's log. `Room::leave` returns nothing: the lesson's
//!   returns whether the member was still in, so as not to report a writer that failed because
//!   the room had dropped its client.
//! - There is no `tell`: to tell a client what went wrong, `try_send` it `ERR <problem>\n`
//!   (`try_send`: the client may have stopped reading).
//!
//! - Run it:    `cargo run -p exercises --bin budget-chat`, then in two or three more
//!   terminals `nc 127.0.0.1 7779` (type a name, then lines), or
//!   `cargo run --bin chat-client -- --port 7779 --name alice`.
//! - Check it:  `cargo exercise check budget-chat`
//! - Stuck?     `cargo exercise hint budget-chat`; the lesson: `lessons/09-chat.md`, section
//!   "Exercise: budget-chat".

// Until you write the `todo!()`s below, some imports and variables are unused: this line keeps
// the compiler from warning about them. You may delete it once your server passes.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

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
use netlesson::server::{report_client, set_timeouts};
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
/// client sends; a writer thread sends it every line queued for it. An error you return is
/// printed as one line about the client.
fn serve_client(client: TcpStream, room: &Mutex<Room>, settings: Settings) -> Result<()> {
    // TODO (lesson 9, "2. Two threads for each client"): give the connection its timeouts
    // (`set_timeouts(&client, settings.idle_timeout)`) and `set_nodelay(true)`; make its queue
    // (`mpsc::sync_channel(QUEUE)`); start the writer thread, `send_queued` on a `try_clone` of
    // the connection (`thread::spawn(move || ...)`: it owns the clone and the queue, so no
    // `thread::scope` is needed); run `talk`; then `join` the writer.
    todo!("start the writer thread, talk, wait for the writer")
}

/// The reader's part: the welcome, the name, then each line to the room, then leaving.
fn talk(client: &TcpStream, room: &Mutex<Room>, outgoing: SyncSender<String>) -> Result<()> {
    // TODO (lesson 9, "3. The reader: a name, then lines"): queue the welcome; read the name
    // (for a bad or taken one, queue an error line and return the problem); join, giving the
    // room `outgoing.clone()` and a `try_clone` of `client`; no read timeout for a member
    // (`client.set_read_timeout(None)`); relay the lines; leave.
    todo!("welcome, name, join, relay, leave")
}

/// Reads the first line, the name: 1 to 16 ASCII letters or digits.
fn read_name(lines: &mut impl BufRead) -> Result<String> {
    // TODO (lesson 9, "3. The reader: a name, then lines"): `read_line`, then check the name.
    todo!("read and check the name")
}

/// Passes each line of the client's to the room, until the client closes the connection (or
/// has been dropped).
fn relay(lines: &mut impl BufRead, id: u64, room: &Mutex<Room>) -> Result<()> {
    // TODO (lesson 9, "3. The reader: a name, then lines"): `read_line` until it returns
    // `None`, passing each line, its control bytes escaped (`escape_controls`), to
    // `lock(room).say(...)`.
    todo!("read lines and pass them on")
}

/// The next line without its `\n`; `None` when the client closed the connection between two
/// lines. A line longer than MAX_LINE, cut short by the close, or not UTF-8 is an error.
fn read_line(lines: &mut impl BufRead) -> Result<Option<String>> {
    // TODO (lessons/05-framing-helpers.md, "`read_until_delimiter` and `read_line`: a marker at
    // the end"; lesson 9, "3. The reader: a name, then lines"): lesson 5's
    // `read_until_delimiter` with the limit MAX_LINE, then the bytes to a String.
    todo!("read one line of at most MAX_LINE bytes")
}

/// The writer thread: sends each queued line in order until the queue ends, then half-closes.
fn send_queued(mut client: TcpStream, queue: Receiver<String>) -> Result<()> {
    // TODO (lesson 9, "5. The writer"): a `for` loop over the queue, `write_all` each line;
    // if a send fails, shut the connection down (that wakes the reader) and return the error.
    // When the queue ends, half-close: `shutdown(Shutdown::Write)`.
    todo!("send every queued line")
}

/// Everyone in the room, in the order they came in.
#[derive(Default)]
struct Room {
    members: Vec<Member>,
    next_id: u64,
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
        // TODO (lesson 9, "4. The room"): refuse a name in use; queue the list of names for
        // the newcomer; tell the others; add the member with a new number.
        todo!("let a new member in")
    }

    /// Sends `text` from member `from` to all the others as `[name] text`. Returns false if
    /// `from` is not in the room any more.
    fn say(&mut self, from: u64, text: &str) -> bool {
        // TODO (lesson 9, "4. The room"): find the speaker, then `broadcast` to all but it.
        todo!("pass a line on")
    }

    /// Queues `line` for every member but `except`, never waiting: a member whose queue is
    /// full is not reading, and is dropped.
    fn broadcast(&mut self, line: &str, except: Option<u64>) {
        // TODO (lesson 9, "4. The room"): `try_send` to each queue; take out every member whose
        // queue was full, shut its connection down, and tell the others that it left.
        todo!("queue a line for everyone but one")
    }

    /// Takes member `id` out, if it is still in, and tells the others.
    fn leave(&mut self, id: u64) {
        // TODO (lesson 9, "4. The room"): `remove`, then tell the others.
        todo!("let a member go")
    }

    fn remove(&mut self, id: u64) -> Option<Member> {
        let index = self.members.iter().position(|member| member.id == id)?;
        Some(self.members.remove(index))
    }
}

/// Locks the room; a lock poisoned by a thread that panicked still holds a whole room.
fn lock(room: &Mutex<Room>) -> MutexGuard<'_, Room> {
    room.lock().unwrap_or_else(PoisonError::into_inner)
}
