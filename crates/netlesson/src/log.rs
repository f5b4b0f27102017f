//! `log!`: a server's lines on stdout, written so that they can never stop the server.
//!
//! `println!` panics when it cannot write, for instance when stdout is a pipe whose reader has
//! gone (`simple-server | head -1`, a closed terminal, a script that stopped reading): the
//! server would die because nobody reads its log. [`log!`](crate::log!) is `println!` that keeps
//! the server going instead. Each line is written and flushed at once (tests and the demo
//! runner read the lines as they come); when writing fails, it says so once on stderr and drops
//! every later line. Clients keep `println!`: their output is their result.
//!
//! Production servers use a logging crate (`log`, `tracing`) whose writers handle this, with
//! levels, timestamps and log files.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once writing to stdout has failed: from then on, lines are dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// What [`write_line`] says on stderr, once, when stdout cannot be written any more.
pub const STDOUT_CLOSED_NOTE: &str = "note: stdout is closed; log lines are dropped from now on";

/// Prints one line to stdout, formatted like `println!`, flushed at once, and never panics.
///
/// ```
/// let peer = "127.0.0.1:51234";
/// netlesson::log!("accepted connection from {peer}");
/// // stdout: accepted connection from 127.0.0.1:51234
/// ```
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::log::write_line(format_args!($($arg)*))
    };
}

/// Writes one line to stdout and flushes it. Use the [`log!`](crate::log!) macro rather than this.
///
/// If stdout cannot be written (its reader has gone), it prints [`STDOUT_CLOSED_NOTE`] on
/// stderr, once, and from then on drops the lines: the server goes on serving.
pub fn write_line(line: fmt::Arguments<'_>) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    // The whole line in one write, so that lines of two threads never mix.
    let text = format!("{line}\n");
    let mut stdout = io::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if written.is_err() && !STDOUT_CLOSED.swap(true, Ordering::Relaxed) {
        // Ignoring a failure here too: if stderr is gone as well, there is nobody to tell.
        let _ = writeln!(io::stderr(), "{STDOUT_CLOSED_NOTE}");
    }
}
