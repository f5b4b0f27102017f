//! What keeps a program under test from outliving, or flooding, whoever started it.
//!
//! - **Its own process group.** [`own_group`] starts the program as the leader of a new process
//!   group, so that every process it starts (a `fork`, a `Command`, `sh -c 'sleep 100 &'`)
//!   is in the same group unless it leaves it on purpose; [`kill_group`] ends them all with one
//!   `killpg(SIGKILL)`. Killing only the program would leave its children running, holding its
//!   port and its output pipe. (The workspace forbids `unsafe`: `killpg` comes from `rustix`.
//!   A process that calls `setsid` or `setpgid` itself escapes the group; containing that
//!   needs a cgroup, which production sandboxes use.)
//! - **Bounded output.** [`read_lines`] keeps at most [`LINE_LIMIT`] bytes of one line and a
//!   limit in all ([`OUTPUT_LIMIT`] for a program under check, [`TEST_OUTPUT_LIMIT`] for the
//!   course's own programs in tests, whose logs of a big transfer can pass a megabyte); the
//!   rest is read (so the program never blocks on a full pipe) and counted, and [`Cut::note`]
//!   says how much was left out.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;

/// The most of one output line that is kept: a longer line is cut there, and says so.
pub const LINE_LIMIT: usize = 64 * 1024;

/// The most of a checked program's output that is kept in all (lines after that are counted
/// only): the checker's memory stays small whatever a student's program prints.
pub const OUTPUT_LIMIT: usize = 1024 * 1024;

/// What one kept line costs against the limit besides its bytes (the `String` and the queue
/// it waits in), so that a flood of empty lines is bounded too.
const LINE_COST: usize = 64;

/// The most of a course program's output a test keeps in all: enough for wiretap's log of a
/// byte-by-byte transfer, still a bound.
pub const TEST_OUTPUT_LIMIT: usize = 64 * 1024 * 1024;

/// Makes `command` start its program as the leader of a process group of its own (see the
/// module's header).
pub fn own_group(command: &mut Command) {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    #[cfg(not(unix))]
    let _ = command;
}

/// Kills `child` and every process of its group (SIGKILL), without waiting for them.
///
/// Call it before `wait`ing for `child` where you can: until the child is reaped, its process
/// id cannot be given to another process, so the group id names only the child's group. After,
/// the id stays reserved as long as any process of the group lives (Linux never hands out an
/// id still in use as a group id), so a late call can only miss, never kill a stranger, unless
/// the ids wrapped around in between.
pub fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    {
        let leader = i32::try_from(child.id())
            .ok()
            .and_then(rustix::process::Pid::from_raw);
        if let Some(leader) = leader {
            // ESRCH (the group is gone) is what we want anyway.
            let _ = rustix::process::kill_process_group(leader, rustix::process::Signal::KILL);
        }
    }
    // The child itself, in case it left the group (and on systems without groups).
    let _ = child.kill();
}

/// What [`read_lines`] or [`read_all`] left out, counted while the program runs.
#[derive(Debug, Default)]
pub struct Cut {
    /// The limit in all that was in force.
    limit: usize,
    /// Lines longer than [`LINE_LIMIT`], kept only in part.
    long_lines: AtomicU64,
    /// Bytes read but not kept (the ends of long lines, everything past [`OUTPUT_LIMIT`]).
    bytes: AtomicU64,
}

impl Cut {
    /// One sentence saying what was left out, or `None` if everything was kept.
    pub fn note(&self) -> Option<String> {
        let bytes = self.bytes.load(Ordering::Relaxed);
        let long_lines = self.long_lines.load(Ordering::Relaxed);
        if bytes == 0 {
            return None;
        }
        let lines = match long_lines {
            0 => String::new(),
            1 => format!("; 1 line was longer than {} KiB", LINE_LIMIT / 1024),
            many => format!("; {many} lines were longer than {} KiB", LINE_LIMIT / 1024),
        };
        Some(format!(
            "[output cut: {bytes} bytes not kept (at most {} KiB of a line and {} KiB in all \
             are kept){lines}]",
            LINE_LIMIT / 1024,
            self.limit / 1024
        ))
    }

    fn left_out(&self, bytes: usize) {
        self.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

/// Reads `pipe` on a thread of its own, line by line, until it ends, and sends each line
/// (without its `\n` or `\r\n`; invalid UTF-8 as `�`) to the receiver returned. A line is
/// sent as soon as it is complete, or as soon as it reaches [`LINE_LIMIT`] bytes: then cut,
/// with a mark at its end, and the rest of it counted and dropped. Once `limit` bytes have
/// been sent, lines are counted and dropped. The pipe is always read to its end, so the
/// program never blocks writing.
pub fn read_lines(pipe: impl Read + Send + 'static, limit: usize) -> (Receiver<String>, Arc<Cut>) {
    let (sender, receiver) = mpsc::channel();
    let cut = Arc::new(Cut {
        limit,
        ..Cut::default()
    });
    let counts = Arc::clone(&cut);
    thread::spawn(move || {
        let mut reader = BufReader::with_capacity(64 * 1024, pipe);
        let mut lines = LineCutter::default();
        let mut kept = 0;
        loop {
            let chunk = match reader.fill_buf() {
                Ok([]) | Err(_) => break,
                Ok(chunk) => chunk,
            };
            let length = chunk.len();
            for line in lines.push(chunk, &counts) {
                if kept + line.len() + LINE_COST > limit {
                    counts.left_out(line.len() + 1);
                    continue;
                }
                kept += line.len() + LINE_COST;
                // The receiver is gone: nobody wants the lines, but keep draining the pipe.
                let _ = sender.send(line);
            }
            reader.consume(length);
        }
        if let Some(line) = lines.finish()
            && kept + line.len() + LINE_COST <= limit
        {
            let _ = sender.send(line);
        }
    });
    (receiver, cut)
}

/// Splits bytes into lines of at most [`LINE_LIMIT`] bytes (see [`read_lines`]).
#[derive(Default)]
struct LineCutter {
    line: Vec<u8>,
    /// The line being read was cut already: drop the rest of it up to its `\n`.
    skipping: bool,
}

/// What ends a line that was cut.
const CUT_MARK: &str = " [... line cut: longer than 64 KiB]";

impl LineCutter {
    /// Takes the next bytes of the output; returns the lines they complete (or cut).
    fn push(&mut self, mut bytes: &[u8], cut: &Cut) -> Vec<String> {
        let mut lines = Vec::new();
        while !bytes.is_empty() {
            let newline = bytes.iter().position(|&byte| byte == b'\n');
            let (part, rest) = match newline {
                Some(at) => (&bytes[..at], &bytes[at + 1..]),
                None => (bytes, &[][..]),
            };
            if self.skipping {
                cut.left_out(part.len());
            } else {
                let room = LINE_LIMIT - self.line.len();
                self.line.extend_from_slice(&part[..part.len().min(room)]);
                if part.len() >= room && (part.len() > room || newline.is_none()) {
                    cut.left_out(part.len() - room);
                    cut.long_lines.fetch_add(1, Ordering::Relaxed);
                    let mut line = self.take();
                    line.push_str(CUT_MARK);
                    lines.push(line);
                    self.skipping = true;
                }
            }
            if newline.is_some() {
                if !self.skipping {
                    lines.push(self.take());
                }
                self.skipping = false;
            }
            bytes = rest;
        }
        lines
    }

    /// The last line, if the output ended without a `\n`.
    fn finish(&mut self) -> Option<String> {
        match self.line.is_empty() || self.skipping {
            true => None,
            false => Some(self.take()),
        }
    }

    fn take(&mut self) -> String {
        let text = String::from_utf8_lossy(&self.line);
        let text = text.trim_end_matches('\r').to_string();
        self.line.clear();
        text
    }
}

/// The processes of process group `group` that are still alive (zombies, dead but not yet
/// reaped by their parent, do not count), read from `/proc`: for tests that check that
/// nothing a program started survives it.
#[cfg(target_os = "linux")]
pub fn live_processes_in_group(group: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // `pid (name) state ppid pgrp ...`: the name may hold spaces and parentheses.
            let Some((_, after_name)) = stat.rsplit_once(')') else {
                return false;
            };
            let fields: Vec<&str> = after_name.split_whitespace().collect();
            fields.first() != Some(&"Z") && fields.get(2) == Some(&group.to_string().as_str())
        })
        .collect()
}

/// Bytes collected by [`read_all`], shared with its thread.
pub type Collected = Arc<Mutex<Vec<u8>>>;

/// Reads `pipe` to its end on a thread of its own, keeping the first [`OUTPUT_LIMIT`] bytes
/// and counting the rest in the [`Cut`]; sends `()` on `done` when the pipe has ended.
pub fn read_all(
    pipe: Option<impl Read + Send + 'static>,
    done: mpsc::Sender<()>,
) -> (Collected, Arc<Cut>) {
    let collected = Collected::default();
    let cut = Arc::new(Cut {
        limit: OUTPUT_LIMIT,
        ..Cut::default()
    });
    let (sink, counts) = (Arc::clone(&collected), Arc::clone(&cut));
    thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            let mut chunk = vec![0u8; 64 * 1024];
            while let Ok(count @ 1..) = pipe.read(&mut chunk) {
                if let Ok(mut bytes) = sink.lock() {
                    let room = OUTPUT_LIMIT.saturating_sub(bytes.len()).min(count);
                    bytes.extend_from_slice(&chunk[..room]);
                    counts.left_out(count - room);
                }
            }
        }
        let _ = done.send(());
    });
    (collected, cut)
}

/// What [`read_all`] collected, as text (invalid UTF-8 as `�`).
pub fn collected_text(collected: &Collected) -> String {
    match collected.lock() {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{CUT_MARK, Cut, LINE_LIMIT, LineCutter};

    fn lines(chunks: &[&[u8]]) -> (Vec<String>, Option<String>, Cut) {
        let cut = Cut {
            limit: super::OUTPUT_LIMIT,
            ..Cut::default()
        };
        let mut cutter = LineCutter::default();
        let mut all = Vec::new();
        for chunk in chunks {
            all.extend(cutter.push(chunk, &cut));
        }
        let last = cutter.finish();
        (all, last, cut)
    }

    #[test]
    fn lines_come_whole_whatever_the_chunks() {
        let (all, last, cut) = lines(&[b"one\r\ntw", b"o\n", b"\nthree"]);
        assert_eq!(all, ["one", "two", ""]);
        assert_eq!(last.as_deref(), Some("three"));
        assert_eq!(cut.note(), None);
    }

    #[test]
    fn a_line_longer_than_the_limit_is_cut_at_once_and_its_rest_counted() {
        let long = vec![b'x'; LINE_LIMIT + 10];
        let (all, last, cut) = lines(&[
            &long[..LINE_LIMIT + 3],
            &long[LINE_LIMIT + 3..],
            b"\nnext\n",
        ]);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0], format!("{}{CUT_MARK}", "x".repeat(LINE_LIMIT)));
        assert_eq!(all[1], "next");
        assert_eq!(last, None);
        let note = cut.note().expect("a note");
        assert!(note.starts_with("[output cut: 10 bytes not kept"), "{note}");
        assert!(note.ends_with("; 1 line was longer than 64 KiB]"), "{note}");
    }

    #[test]
    fn a_flood_without_a_newline_is_cut_once_the_limit_is_reached() {
        let chunk = vec![b'y'; LINE_LIMIT];
        let (all, _, cut) = lines(&[&chunk, &chunk, &chunk]);
        assert_eq!(
            all.len(),
            1,
            "one cut line, sent as soon as it reached the limit"
        );
        assert_eq!(
            cut.bytes.load(std::sync::atomic::Ordering::Relaxed),
            2 * LINE_LIMIT as u64
        );
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_not_cut() {
        let mut line = vec![b'z'; LINE_LIMIT];
        line.push(b'\n');
        let (all, _, cut) = lines(&[&line]);
        assert_eq!(all, ["z".repeat(LINE_LIMIT)]);
        assert_eq!(cut.note(), None);
    }
}
