//! The load generator of `chat-bench`: many Budget Chat members on ONE thread, with `mio`.
//!
//! Every member joins (as `m0`, `m1`, ...), then says one line every `interval`, each at its
//! own phase, so that lines come evenly. A line is `t <nanoseconds since the start>`: whoever
//! receives `[m7] t 1234567` knows when it was sent. Some members (`slow`) never read what
//! arrives, as a user whose program hangs; the others read everything at once. Lines sent in
//! the measured window count: each should reach every other reader, and the run goes on
//! reading for a while after the window (without sending) so that late lines are seen late,
//! not lost.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Members in the room.
    pub members: usize,
    /// Members among them that never read.
    pub slow: usize,
    /// How often each member says a line.
    pub interval: Duration,
    /// The measured window (after everyone has joined).
    pub window: Duration,
    /// How long to go on reading after the window, for lines still on their way.
    pub drain: Duration,
}

/// What a run measured.
#[derive(Debug)]
pub struct Outcome {
    /// Lines said in the window.
    pub sent: u64,
    /// Deliveries of those lines to readers (each line should reach every other reader).
    pub delivered: u64,
    /// Deliveries expected: each line to every reader but its sender, while both are in.
    pub expected: u64,
    /// Latencies of the deliveries, sorted.
    pub latencies: Vec<Duration>,
    /// The window's length, in seconds.
    pub seconds: f64,
    /// Members that never read, which the server dropped.
    pub slow_dropped: usize,
    /// Members that read, which the server dropped (or whose connection ended).
    pub readers_dropped: usize,
}

impl Outcome {
    /// Deliveries per second of the window.
    pub fn delivered_per_second(&self) -> f64 {
        self.delivered as f64 / self.seconds
    }

    /// The latency that `percent` % of the deliveries did not exceed.
    pub fn percentile(&self, percent: f64) -> Duration {
        super::percentile(&self.latencies, percent)
    }
}

/// One member.
struct Member {
    socket: TcpStream,
    name: String,
    reads: bool,
    joined: bool,
    /// The server closed the connection (or reset it).
    gone: bool,
    received: Vec<u8>,
}

/// Runs the room at `address`: joins every member, calls `at_window_start`, then measures.
pub fn run(
    address: SocketAddr,
    settings: Settings,
    at_window_start: impl FnOnce(),
) -> Result<Outcome> {
    let start = Instant::now();
    let mut poll = Poll::new().context("could not create the poller")?;
    let mut events = Events::with_capacity(1024);
    let mut members = Vec::with_capacity(settings.members);
    let mut run = Run::default();
    // Join, a few at a time: each join tells everyone, and the listen queue is finite.
    for index in 0..settings.members {
        let mut socket = TcpStream::connect(address).context("could not connect a member")?;
        poll.registry()
            .register(&mut socket, Token(index), Interest::READABLE)
            .context("could not register a member")?;
        members.push(Member {
            socket,
            name: format!("m{index}"),
            reads: index >= settings.slow,
            joined: false,
            gone: false,
            received: Vec::new(),
        });
        if index % 50 == 49 {
            wait_until_joined(&mut poll, &mut events, &mut members, &mut run, start)?;
        }
    }
    wait_until_joined(&mut poll, &mut events, &mut members, &mut run, start)?;

    // Each member's next line, soonest first; phases spread evenly over one interval.
    at_window_start();
    let window_start = Instant::now();
    let window_end = window_start + settings.window;
    let mut next: BinaryHeap<Reverse<(Instant, usize)>> = (0..settings.members)
        .map(|index| {
            let phase = settings
                .interval
                .mul_f64(index as f64 / settings.members as f64);
            Reverse((window_start + phase, index))
        })
        .collect();
    run.counting = Some((window_start - start, window_end - start));
    let readers = settings.members - settings.slow;
    let mut sent_in_window = 0u64;
    let mut expected = 0u64;
    let drain_end = window_end + settings.drain;
    loop {
        let now = Instant::now();
        if now >= drain_end {
            break;
        }
        while let Some(&Reverse((due, index))) = next.peek() {
            if due > now || due >= window_end {
                break;
            }
            next.pop();
            next.push(Reverse((due + settings.interval, index)));
            let member = &mut members[index];
            if member.gone {
                continue;
            }
            let line = format!("t {}\n", now.duration_since(start).as_nanos());
            // The server reads every member at once: a full send buffer means it fell behind.
            if member.socket.write(line.as_bytes()).ok() == Some(line.len()) {
                sent_in_window += 1;
                let other_readers = readers - usize::from(member.reads);
                let present = other_readers.saturating_sub(run.readers_gone);
                expected += present as u64;
            }
        }
        let timeout = next
            .peek()
            .map(|Reverse((due, _))| due.saturating_duration_since(now))
            .unwrap_or(Duration::from_millis(10))
            .min(Duration::from_millis(10));
        poll_once(
            &mut poll,
            &mut events,
            &mut members,
            &mut run,
            start,
            timeout,
        )?;
    }
    let slow_dropped = members
        .iter()
        .filter(|member| !member.reads && run.left.contains(&member.name))
        .count();
    let readers_dropped = members
        .iter()
        .filter(|member| member.reads && (member.gone || run.left.contains(&member.name)))
        .count();
    run.latencies.sort_unstable();
    Ok(Outcome {
        sent: sent_in_window,
        delivered: run.delivered,
        expected,
        latencies: run.latencies,
        seconds: settings.window.as_secs_f64(),
        slow_dropped,
        readers_dropped,
    })
}

/// What the readers have seen so far.
#[derive(Default)]
struct Run {
    /// The window, since the start: lines sent in it are counted.
    counting: Option<(Duration, Duration)>,
    delivered: u64,
    latencies: Vec<Duration>,
    /// Names announced as having left the room.
    left: std::collections::HashSet<String>,
    readers_gone: usize,
}

/// Reads until every member has been told who is in the room.
fn wait_until_joined(
    poll: &mut Poll,
    events: &mut Events,
    members: &mut [Member],
    run: &mut Run,
    start: Instant,
) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while members.iter().any(|member| !member.joined) {
        if Instant::now() > deadline {
            bail!("members were still joining after 30 s");
        }
        poll_once(poll, events, members, run, start, Duration::from_millis(10))?;
    }
    Ok(())
}

/// Waits for events (at most `timeout`) and reads what arrived for each member.
fn poll_once(
    poll: &mut Poll,
    events: &mut Events,
    members: &mut [Member],
    run: &mut Run,
    start: Instant,
    timeout: Duration,
) -> Result<()> {
    match poll.poll(events, Some(timeout)) {
        Ok(()) => {}
        Err(error) if error.kind() == ErrorKind::Interrupted => return Ok(()),
        Err(error) => return Err(error).context("could not wait for events"),
    }
    for event in events.iter() {
        let member = &mut members[event.token().0];
        if member.gone || (member.joined && !member.reads) {
            continue;
        }
        receive(member, run, start)?;
    }
    Ok(())
}

/// Reads everything that has arrived for `member`, and handles each whole line.
fn receive(member: &mut Member, run: &mut Run, start: Instant) -> Result<()> {
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match member.socket.read(&mut buffer) {
            Ok(0) => {
                member.gone = true;
                if member.reads {
                    run.readers_gone += 1;
                }
                return Ok(());
            }
            Ok(count) => member.received.extend_from_slice(&buffer[..count]),
            Err(error) if error.kind() == ErrorKind::WouldBlock => break,
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(_) => {
                member.gone = true;
                if member.reads {
                    run.readers_gone += 1;
                }
                return Ok(());
            }
        }
    }
    let now = Instant::now().duration_since(start);
    let mut used = 0;
    while let Some(end) = member.received[used..]
        .iter()
        .position(|&byte| byte == b'\n')
    {
        let line = &member.received[used..used + end];
        used += end + 1;
        handle_line(
            member.name.as_str(),
            &mut member.joined,
            &mut member.socket,
            line,
            run,
            now,
        )?;
    }
    member.received.drain(..used);
    Ok(())
}

/// One line that arrived for a member.
fn handle_line(
    name: &str,
    joined: &mut bool,
    socket: &mut TcpStream,
    line: &[u8],
    run: &mut Run,
    now: Duration,
) -> Result<()> {
    if line.starts_with(b"Welcome") {
        socket
            .write_all(format!("{name}\n").as_bytes())
            .context("could not send a name")?;
    } else if line.starts_with(b"* The room contains:") {
        *joined = true;
    } else if let Some(rest) = line.strip_prefix(b"* ") {
        if let Some(who) = rest.strip_suffix(b" has left the room") {
            run.left.insert(String::from_utf8_lossy(who).into_owned());
        }
    } else if line.starts_with(b"[") {
        let text = String::from_utf8_lossy(line);
        let sent = text
            .split_once("] t ")
            .and_then(|(_, nanos)| nanos.parse::<u64>().ok())
            .with_context(|| format!("a line not sent by the benchmark: {text:?}"))?;
        run.record(Duration::from_nanos(sent), now);
    } else if line.starts_with(b"ERR") {
        bail!("the server said {:?}", String::from_utf8_lossy(line));
    }
    Ok(())
}

impl Run {
    /// A delivery of a line sent at `sent`, received at `now` (both since the start): counted
    /// if the line was sent in the window.
    fn record(&mut self, sent: Duration, now: Duration) {
        if let Some((from, to)) = self.counting
            && sent >= from
            && sent < to
        {
            self.delivered += 1;
            self.latencies.push(now.saturating_sub(sent));
        }
    }
}
