//! `log!`: a server's lines on stdout, written so that they can never stop or slow the server.
//!
//! `println!` has two ways to stop a server because of its output:
//!
//! - it panics when it cannot write, for instance when stdout is a pipe whose reader has gone
//!   (`simple-server | head -1`, a closed terminal): the server would die because nobody reads
//!   its log;
//! - it *waits* when stdout is full: a pipe holds 64 KiB, and when its reader is paused
//!   (`chat-server | less`, a terminal stopped with Ctrl-S, a script busy elsewhere), the next
//!   `println!` blocks until the reader reads. The thread that logged stops serving; if it held
//!   a lock, every thread that wants the lock stops too. One slow reader of the log freezes
//!   the server for every client (measured: chat-server froze after 422 joins, threaded-server
//!   after 817 clients).
//!
//! So [`log!`](crate::log!) never writes to stdout itself. It puts the line in a queue of at
//! most [`QUEUE_LINES`] lines (10,000), which takes no time, and one writer thread per process takes
//! the lines out and writes them, each flushed at once (tests and the demo runner read lines as
//! they come). Only the writer waits for a slow reader. When the queue is full, the line is
//! dropped and counted, and once the reader catches up the writer says how many were lost:
//! `1204 log lines dropped: stdout is not being read`. When stdout is closed, the writer says
//! so once on stderr ([`STDOUT_CLOSED_NOTE`]) and drops every later line.
//!
//! [`flush`] waits for the queue to be written (`netlesson::finish` calls it, so that a
//! program's last lines are not lost when it exits). Trace lines (`--trace`) go through the
//! same queue once a program has logged, so the two stay in the order they happened.
//! Clients keep `println!`: their output is their result, and a client has nothing else to do.
//!
//! Production servers use a logging crate (`tracing`, `log` with a non-blocking appender such
//! as `tracing-appender`) whose writers do the same, with levels, timestamps and log files.

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread;
use std::time::Duration;

/// How many lines may wait for the writer, unless [`set_queue_lines`] or the environment
/// variable [`QUEUE_LINES_VARIABLE`] says otherwise; past that, new lines are dropped and
/// counted. About 1 MB of lines: a reader that falls behind for a while (a test reading a
/// flood of lines on a busy machine) loses none, one that stops reading costs at most that.
pub const QUEUE_LINES: usize = 10_000;

/// The environment variable that sets how many lines may wait, whatever the program chose:
/// `NETLESSON_LOG_QUEUE_LINES=100 chat-server` (the contract's test of a stdout nobody reads
/// uses it, so that lines are dropped after a few hundred clients).
pub const QUEUE_LINES_VARIABLE: &str = "NETLESSON_LOG_QUEUE_LINES";

/// The queue's size in force: [`QUEUE_LINES`], or what [`set_queue_lines`] set.
static QUEUE_SIZE: AtomicUsize = AtomicUsize::new(QUEUE_LINES);

/// Lets up to `lines` lines wait for the writer instead of [`QUEUE_LINES`], for a program whose
/// log is what it is for (wiretap's log is one line per piece forwarded: a reader a little
/// slower than the bytes must not lose lines). Memory grows with it: a line is about 100 bytes.
///
/// ```
/// netlesson::log::set_queue_lines(50_000);
/// ```
pub fn set_queue_lines(lines: usize) {
    QUEUE_SIZE.store(lines.max(1), Ordering::Relaxed);
}

/// What the writer says on stderr, once, when stdout cannot be written any more.
pub const STDOUT_CLOSED_NOTE: &str = "note: stdout is closed; log lines are dropped from now on";

/// How long [`flush`] waits for the writer to make progress before it gives up: stdout may be
/// a pipe that nobody will ever read.
const FLUSH_PATIENCE: Duration = Duration::from_secs(2);

/// Prints one line to stdout, formatted like `println!`, and never waits or panics.
///
/// ```
/// let peer = "127.0.0.1:51234";
/// netlesson::log!("accepted connection from {peer}");
/// netlesson::log::flush(); // wait until it is written (normally `finish` does this)
/// // stdout: accepted connection from 127.0.0.1:51234
/// ```
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::log::write_line(format_args!($($arg)*))
    };
}

/// Where a queued line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

/// The queue shared by every thread that logs and the writer thread.
#[derive(Debug, Default)]
struct Queue {
    /// Lines waiting for the writer, each with its newline.
    lines: VecDeque<(Stream, String)>,
    /// Lines dropped because the queue was full, since the writer last said so.
    dropped: u64,
    /// Lines taken out by the writer and written (or found unwritable) so far.
    done: u64,
    /// Lines put in so far.
    queued: u64,
    /// Stdout failed: every later stdout line is dropped at once.
    stdout_closed: bool,
}

/// The queue, and the signal that wakes the writer (a line came) or [`flush`] (lines went).
#[derive(Debug, Default)]
struct Logger {
    queue: Mutex<Queue>,
    changed: Condvar,
}

/// The logger, once a line has been logged: `None` inside if its thread could not start.
static LOGGER: OnceLock<Option<&'static Logger>> = OnceLock::new();

/// The logger, with its writer thread started the first time a line is logged; `None` if the
/// thread could not start (then lines are written directly, as `println!` would).
fn logger() -> Option<&'static Logger> {
    *LOGGER.get_or_init(|| {
        let chosen = std::env::var(QUEUE_LINES_VARIABLE).ok();
        if let Some(lines) = chosen.and_then(|text| text.trim().parse::<usize>().ok()) {
            set_queue_lines(lines);
        }
        let logger: &'static Logger = Box::leak(Box::default());
        let started = thread::Builder::new()
            .name("log writer".into())
            .spawn(move || write_forever(logger));
        started.ok().map(|_| logger)
    })
}

/// Whether lines go through the writer thread: true once a line has been logged. (`trace!`
/// uses it, to keep trace lines and log lines in order.)
pub fn is_started() -> bool {
    matches!(LOGGER.get(), Some(Some(_)))
}

fn lock(logger: &Logger) -> MutexGuard<'_, Queue> {
    logger.queue.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Queues one line for stdout. Use the [`log!`](crate::log!) macro rather than this.
///
/// It returns at once: the line is written by the writer thread, or dropped and counted if
/// [`QUEUE_LINES`] lines are waiting already (nobody reads stdout), or dropped if stdout is
/// closed (see the module's documentation).
pub fn write_line(line: fmt::Arguments<'_>) {
    enqueue(Stream::Stdout, format!("{line}\n"));
}

/// Queues a trace line for stderr, behind the log lines before it. For [`crate::trace!`].
pub(crate) fn write_trace(text: String) {
    enqueue(Stream::Stderr, text);
}

fn enqueue(stream: Stream, text: String) {
    let Some(logger) = logger() else {
        // No writer thread: write it ourselves (the whole line in one write).
        let _ = match stream {
            Stream::Stdout => io::stdout().write_all(text.as_bytes()),
            Stream::Stderr => io::stderr().write_all(text.as_bytes()),
        };
        return;
    };
    let mut queue = lock(logger);
    if stream == Stream::Stdout && queue.stdout_closed {
        return;
    }
    if queue.lines.len() >= QUEUE_SIZE.load(Ordering::Relaxed) {
        queue.dropped += 1;
        return;
    }
    queue.lines.push_back((stream, text));
    queue.queued += 1;
    drop(queue);
    logger.changed.notify_all();
}

/// The writer thread: writes the queued lines, as many as are waiting in one write (one system
/// call for a burst of lines, not one each), flushed at once; says how many lines were dropped
/// once it has caught up.
fn write_forever(logger: &Logger) {
    loop {
        let (stream, text, lines) = next_batch(logger);
        // The queue is unlocked while we write: a write to a full pipe waits here, and only
        // here, while every other thread goes on queueing (or dropping) lines.
        let written = match stream {
            Stream::Stdout => write_flushed(&mut io::stdout().lock(), &text),
            // A trace line that cannot be written is lost: stderr has nobody to tell.
            Stream::Stderr => {
                let _ = io::stderr().write_all(text.as_bytes());
                Ok(())
            }
        };
        let mut queue = lock(logger);
        if written.is_err() && !queue.stdout_closed {
            queue.stdout_closed = true;
            // Lines still waiting for stdout will never be written: count them as done.
            let before = queue.lines.len();
            queue.lines.retain(|(stream, _)| *stream == Stream::Stderr);
            queue.done += (before - queue.lines.len()) as u64;
            // Ignoring a failure here too: if stderr is gone as well, there is nobody to tell.
            let _ = writeln!(io::stderr(), "{STDOUT_CLOSED_NOTE}");
        }
        queue.done += lines;
        drop(queue);
        logger.changed.notify_all();
    }
}

/// Waits for lines, and takes every line waiting for the same stream as the first one, in
/// order: the text to write, and how many lines it holds. When the queue is empty after lines
/// were dropped, the note that says how many.
fn next_batch(logger: &Logger) -> (Stream, String, u64) {
    let mut queue = lock(logger);
    loop {
        if let Some((stream, first)) = queue.lines.pop_front() {
            let mut text = first;
            let mut lines = 1;
            while queue.lines.front().is_some_and(|(next, _)| *next == stream) {
                if let Some((_, line)) = queue.lines.pop_front() {
                    text.push_str(&line);
                    lines += 1;
                }
            }
            return (stream, text, lines);
        }
        if queue.dropped > 0 && !queue.stdout_closed {
            // Caught up after lines were dropped: say so, as a log line of its own.
            let dropped = std::mem::take(&mut queue.dropped);
            let noun = if dropped == 1 { "line" } else { "lines" };
            queue.queued += 1;
            let note = format!("{dropped} log {noun} dropped: stdout is not being read\n");
            return (Stream::Stdout, note, 1);
        }
        queue = logger
            .changed
            .wait(queue)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

/// Writes `text` in one write and flushes it, so that lines of other programs sharing the
/// terminal never land inside ours.
fn write_flushed(stdout: &mut impl Write, text: &str) -> io::Result<()> {
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// Waits until every line logged so far has been written (or dropped because stdout is
/// closed). Gives up when the writer has made no progress for 2 s: stdout may be a pipe that
/// nobody reads, and a program must still be able to exit. `netlesson::finish` calls it.
///
/// ```
/// netlesson::log!("the last line");
/// netlesson::log::flush();
/// ```
pub fn flush() {
    let Some(Some(logger)) = LOGGER.get() else {
        return; // nothing was ever logged, or it was written directly
    };
    let mut queue = lock(logger);
    let target = queue.queued;
    let mut done = queue.done;
    while queue.done < target {
        let (next, waited) = logger
            .changed
            .wait_timeout(queue, FLUSH_PATIENCE)
            .unwrap_or_else(PoisonError::into_inner);
        queue = next;
        if waited.timed_out() && queue.done == done {
            return; // no progress: nobody reads stdout
        }
        done = queue.done;
    }
}
