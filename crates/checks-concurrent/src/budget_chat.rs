//! The check of `budget-chat` (lesson 9): Protohackers' Budget Chat with many users at once.
//! Each step plays several users on connections of their own and checks every line each one
//! hears: the welcome, names refused, the list of those present, arrivals and departures,
//! lines passed on (in order, never echoed, control bytes escaped), ten users at once, a user
//! who never reads, a user who leaves in mid-line, and the 1000-byte limit.

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use netlesson::show::show_bytes;

use checks::{Check, Rule, Step};
use contract::lab::{Failure, Lab, REPLY_TIMEOUT, StepResult};

/// The exercise: its folder is `crates/exercises/budget-chat/`.
pub const CHECK: Check = Check {
    name: "budget-chat",
    info: include_str!("../../exercises/budget-chat/exercise.toml"),
    setup: checks::no_setup,
    steps: STEPS,
    rules: RULES,
};

/// The rules of the starter's header, each with the step and the known-bad programs that
/// prove the check enforces it.
pub const RULES: &[Rule] = &[
    Rule {
        rule: "Every line ends with `\\n`.",
        step: "welcome",
        known_bad: &["welcome-without-newline"],
    },
    Rule {
        rule: "The client's first line is its name: 1 to 16 ASCII letters or digits (no spaces, \
               no `\\r`, nothing else).",
        step: "bad-names",
        known_bad: &["accepts-any-name", "trims-the-name"],
    },
    Rule {
        rule: "Any other name, or a name a member has now, gets one error line (any text; ours \
               start with `ERR `), then the connection closes",
        step: "bad-names",
        known_bad: &["refuses-a-name-silently"],
    },
    Rule {
        rule: "or a name a member has now",
        step: "notices",
        known_bad: &["allows-a-taken-name"],
    },
    Rule {
        rule: "and nobody else hears of it",
        step: "notices",
        known_bad: &["announces-before-checking-the-name"],
    },
    Rule {
        rule: "The newcomer hears who is in the room, in the order they came in",
        step: "presence",
        known_bad: &["lists-the-newcomer-too", "lists-names-sorted"],
    },
    Rule {
        rule: "`* The room contains:` (nothing after the colon, not even a space) when it is \
               alone",
        step: "presence",
        known_bad: &["space-after-the-colon"],
    },
    Rule {
        rule: "Everyone already in hears `* NAME has entered the room`.",
        step: "notices",
        known_bad: &["tells-the-newcomer-it-entered"],
    },
    Rule {
        rule: "Each line a member sends goes to every other member as `[NAME] line`, in the \
               order sent; never back to the sender.",
        step: "messages",
        known_bad: &["echoes-to-the-sender", "sends-what-waits-newest-first"],
    },
    Rule {
        rule: "A relayed line has its control bytes escaped, as lesson 9's chat-server does \
               with `netlesson::show::escape_controls`: `\\r` arrives as the two characters \
               `\\r`, ESC as `\\x1b`, NUL as `\\x00`, and the rest of the line as it is.",
        step: "control-bytes",
        known_bad: &["relays-control-bytes"],
    },
    Rule {
        rule: "When a member leaves (closes, resets, or is dropped), the others hear `* NAME has \
               left the room`.",
        step: "notices",
        known_bad: &["forgets-the-leave-notice", "leaves-silently-on-error"],
    },
    Rule {
        rule: "A line cut short by the close (no `\\n`) goes to nobody.",
        step: "mid-line",
        known_bad: &["passes-on-a-half-line"],
    },
    Rule {
        rule: "A line is at most 1000 bytes, without its `\\n` (`MAX_LINE`). A longer one gets \
               an error line, then the connection closes",
        step: "line-limit",
        known_bad: &["no-line-limit", "counts-the-newline-in-the-limit"],
    },
    Rule {
        rule: "A client that sends nothing for `--idle-timeout` seconds before its name is whole \
               gets one error line, as for a bad name, then the connection closes.",
        step: "idle",
        known_bad: &[
            "never-times-out-a-nameless-client",
            "closes-a-nameless-client-silently",
        ],
    },
    Rule {
        rule: "A member may stay quiet as long as it likes.",
        step: "idle",
        known_bad: &["times-out-quiet-members"],
    },
    Rule {
        rule: "each member has a queue of at most `QUEUE` lines (1000), which a writer thread of \
               its own sends.",
        step: "never-reads",
        known_bad: &["queue-far-too-long", "writes-with-the-room-locked"],
    },
    Rule {
        rule: "Putting a line in a queue must never wait: a member whose queue is full is not \
               reading, and is dropped.",
        step: "never-reads",
        known_bad: &["blocks-on-a-full-queue"],
    },
];

/// The steps, in order.
pub const STEPS: &[Step] = &[
    Step {
        id: "welcome",
        name: "the welcome line",
        run: welcome,
    },
    Step {
        id: "bad-names",
        name: "bad names are refused: an error line, then the close",
        run: bad_names,
    },
    Step {
        id: "presence",
        name: "a newcomer hears who is in the room",
        run: presence,
    },
    Step {
        id: "notices",
        name: "the others hear who comes and goes (and nothing of a refused name)",
        run: notices,
    },
    Step {
        id: "messages",
        name: "a line goes to all the others, in order, never back to its sender",
        run: messages,
    },
    Step {
        id: "control-bytes",
        name: "a relayed line has its control bytes escaped (\\r, ESC, NUL)",
        run: control_bytes,
    },
    Step {
        id: "mid-line",
        name: "a user who leaves in mid-line",
        run: mid_line,
    },
    Step {
        id: "line-limit",
        name: "a line of 1000 bytes passes; a longer one gets an error line and the close",
        run: line_limit,
    },
    Step {
        id: "ten-at-once",
        name: "ten users at once",
        run: ten_at_once,
    },
    Step {
        id: "never-reads",
        name: "a user who never reads does not delay the others, and is dropped",
        run: never_reads,
    },
    Step {
        id: "idle",
        name: "a client that sends no name gets an error line and is closed after --idle-timeout; \
               a quiet member stays",
        run: idle,
    },
];

const WELCOME: &str = "Welcome to budgetchat! What shall I call you?";

/// How long the others may wait for a line while one user does not read.
const NOT_DELAYED: Duration = Duration::from_millis(500);

/// How long a server may take to close a connection it refused.
const PROMPT: Duration = Duration::from_secs(1);

fn welcome(lab: &mut Lab) -> StepResult {
    User::arrive(lab, "a client").map(|_| ())
}

fn bad_names(lab: &mut Lab) -> StepResult {
    let seventeen = "a".repeat(17);
    let names: [(&[u8], &str); 5] = [
        (b"bob smith", "a space"),
        (b"bob\r", "a \\r"),
        (seventeen.as_bytes(), "17 characters"),
        ("zoë".as_bytes(), "a letter that is not ASCII"),
        (b"", "nothing"),
    ];
    for (name, what) in names {
        let mut user = User::arrive(lab, "a newcomer")?;
        user.send(name)?;
        user.send(b"\n")?;
        user.expect_refusal(&format!("a name with {what}"))?;
    }
    // The server goes on.
    User::arrive(lab, "the next client").map(|_| ())
}

fn presence(lab: &mut Lab) -> StepResult {
    // Not in alphabetical order: the list is in the order they came in.
    let _zoe = User::join_first(lab, "zoe")?;
    let _alice = User::join(lab, "alice", &["zoe"])?;
    let _mia = User::join(lab, "mia", &["zoe", "alice"])?;
    Ok(())
}

fn notices(lab: &mut Lab) -> StepResult {
    let mut alice = User::join_first(lab, "alice")?;
    let mut bob = User::join(lab, "bob", &["alice"])?;
    alice.expect("* bob has entered the room")?;

    let mut second_bob = User::arrive(lab, "a second bob")?;
    second_bob.say("bob")?;
    second_bob.expect_refusal("the name bob, while bob is in the room")?;
    let mut spaced = User::arrive(lab, "a newcomer")?;
    spaced.say("not a name")?;
    spaced.expect_refusal("the name \"not a name\"")?;

    let mut carol = User::join(lab, "carol", &["alice", "bob"])?;
    alice.expect("* carol has entered the room")?;
    bob.expect("* carol has entered the room")?;

    bob.quit();
    alice.expect("* bob has left the room")?;
    carol.expect("* bob has left the room")?;
    // The name is free again.
    let mut bob = User::join(lab, "bob", &["alice", "carol"])?;
    alice.expect("* bob has entered the room")?;
    carol.expect("* bob has entered the room")?;

    // Leaving by a reset, as a client that crashed.
    carol.reset()?;
    alice.expect("* carol has left the room")?;
    bob.expect("* carol has left the room")
}

fn messages(lab: &mut Lab) -> StepResult {
    let (mut alice, mut bob, mut carol) = three_users(lab)?;
    alice.say("hello, everyone")?;
    bob.expect("[alice] hello, everyone")?;
    carol.expect("[alice] hello, everyone")?;
    bob.say("hi alice")?;
    alice.expect("[bob] hi alice")?;
    carol.expect("[bob] hi alice")?;

    alice.send(b"one\ntwo\nthree\n")?;
    for user in [&mut bob, &mut carol] {
        for word in ["one", "two", "three"] {
            user.expect(&format!("[alice] {word}"))?;
        }
    }
    carol.send_bytewise(b"a byte at a time\n")?;
    alice.expect("[carol] a byte at a time")?;
    bob.expect("[carol] a byte at a time")
}

/// A line with a `\r` (which would let bob's text overwrite the `[bob]` before it), an ESC
/// (a command to clear the screen) and a NUL reaches alice with each escaped as
/// `netlesson::show::escape_controls` does; the `é` (not a control character) as it is.
fn control_bytes(lab: &mut Lab) -> StepResult {
    let mut alice = User::join_first(lab, "alice")?;
    let mut bob = User::join(lab, "bob", &["alice"])?;
    alice.expect("* bob has entered the room")?;
    bob.send("fake\r[carol] hi \x1b[2J\0 café\n".as_bytes())?;
    alice.expect(r"[bob] fake\r[carol] hi \x1b[2J\x00 café")
}

fn ten_at_once(lab: &mut Lab) -> StepResult {
    const USERS: usize = 10;
    const LINES: usize = 3;
    let names: Vec<String> = (0..USERS).map(|n| format!("user{n}")).collect();
    // A quiet member first, to be sure the users of the step before have left: the ten then
    // find it in the room, and nobody else.
    let _opener = User::join_first(lab, "opener")?;
    let everyone: Vec<String> = std::iter::once("opener".to_string())
        .chain(names.iter().cloned())
        .collect();
    let mut users = Vec::new();
    for name in &names {
        users.push(User::arrive(lab, name)?);
    }
    // Ten names in a row, without waiting for any answer.
    for (user, name) in users.iter_mut().zip(&names) {
        user.say(name)?;
    }
    for (user, name) in users.iter_mut().zip(&names) {
        user.learn_the_room(name, &everyone)?;
    }
    for (user, name) in users.iter_mut().zip(&names) {
        let lines: String = (0..LINES).map(|n| format!("{n} from {name}\n")).collect();
        user.send(lines.as_bytes())?;
    }
    for (user, name) in users.iter_mut().zip(&names) {
        user.hear_everyone(name, &names, LINES)?;
    }
    Ok(())
}

fn never_reads(lab: &mut Lab) -> StepResult {
    /// Lines of 1000 bytes in one write of the talker's.
    const BATCH: usize = 50;
    /// The talker stops after 10 MB: a queue of QUEUE (1000) lines and a connection's
    /// buffers (4 MB or so) hold half of it.
    const MOST_LINES: usize = 10_000;

    let mut listener = User::join_first(lab, "listener")?;
    let mut talker = User::join(lab, "talker", &["listener"])?;
    listener.expect("* talker has entered the room")?;
    let _slow = User::join(lab, "slow", &["listener", "talker"])?;
    listener.expect("* slow has entered the room")?;
    talker.expect("* slow has entered the room")?;

    let mut sent = 0;
    let mut slow_left = false;
    while !slow_left {
        if sent >= MOST_LINES {
            return Err(listener.failure(format!(
                "slow has read nothing while talker sent {sent} lines of 1000 bytes (10 MB), and \
                 is still in the room.\nIts queue must hold at most QUEUE (1000) lines: make it \
                 with `mpsc::sync_channel(QUEUE)`, and when `try_send` finds it full, drop slow \
                 (shut its connection down, take it out of the room, tell the others)."
            )));
        }
        let batch: String = (sent..sent + BATCH).map(numbered_line).collect();
        let started = Instant::now();
        talker.send(batch.as_bytes())?;
        for number in sent..sent + BATCH {
            let expected = format!("[talker] {}", numbered_line(number).trim_end());
            let mut line = listener.line_within(NOT_DELAYED.saturating_sub(started.elapsed()))?;
            if line.as_deref() == Some("* slow has left the room") {
                slow_left = true;
                line = listener.line_within(NOT_DELAYED.saturating_sub(started.elapsed()))?;
            }
            match line {
                Some(line) if line == expected => {}
                Some(line) => return Err(listener.unexpected(&expected, &line)),
                None => {
                    return Err(listener.failure(format!(
                        "listener waited more than {} ms for line {number} of talker's.\nslow \
                         reads nothing: once its connection's buffers are full (a few MB), a \
                         server that waits for slow makes everyone wait.\nPut each line in a \
                         queue with `try_send`, which never waits; the member's own writer \
                         thread does the waiting, and a full queue means: drop that member.",
                        NOT_DELAYED.as_millis()
                    )));
                }
            }
        }
        sent += BATCH;
    }
    talker.expect("* slow has left the room")
}

fn mid_line(lab: &mut Lab) -> StepResult {
    let mut alice = User::join_first(lab, "alice")?;
    let mut bob = User::join(lab, "bob", &["alice"])?;
    alice.expect("* bob has entered the room")?;
    bob.send(b"half a li")?;
    bob.quit();
    alice.expect("* bob has left the room")?;
    let _carol = User::join(lab, "carol", &["alice"])?;
    alice.expect("* carol has entered the room")
}

fn line_limit(lab: &mut Lab) -> StepResult {
    let mut alice = User::join_first(lab, "alice")?;
    let mut bob = User::join(lab, "bob", &["alice"])?;
    alice.expect("* bob has entered the room")?;
    let longest = "x".repeat(1000);
    bob.say(&longest)?;
    alice.expect(&format!("[bob] {longest}"))?;
    bob.say(&"y".repeat(1001))?;
    let heard = alice.next_line("that bob left")?;
    if heard.starts_with("[bob] yyy") {
        return Err(alice.failure(
            "alice heard bob's line of 1001 bytes: a line is at most 1000 bytes (MAX_LINE), \
             and a longer one gets an error line and the close"
                .into(),
        ));
    }
    if heard != "* bob has left the room" {
        return Err(alice.unexpected("* bob has left the room", &heard));
    }
    bob.expect_refusal("a line of 1001 bytes")
}

fn idle(lab: &mut Lab) -> StepResult {
    let mut nameless = User::arrive(lab, "a client that sends no name")?;
    let mut alice = User::join_first(lab, "alice")?;
    // The checker starts the server with --idle-timeout 1.
    let limit = Duration::from_millis(2500);
    match nameless.line_within(limit)? {
        Some(line) if line.starts_with("* The room contains") => {
            return Err(nameless.failure(format!(
                "a client that sent nothing was let into the room ({line:?})"
            )));
        }
        Some(_) => {
            if nameless.line_within(PROMPT)?.is_some() || nameless.end.is_none() {
                return Err(nameless.failure(
                    "after the error line for a client that sent no name, the server should \
                     close the connection at once"
                        .into(),
                ));
            }
        }
        None => {
            let problem = match nameless.end {
                Some(_) => "a client that sends no name within --idle-timeout seconds gets one \
                            error line (as a bad name does), then the close; the server closed \
                            it without the error line"
                    .to_string(),
                None => format!(
                    "a client that sends no name must get an error line and be closed after \
                     --idle-timeout seconds (the checker gives 1); it was still connected, \
                     without a word, after {} s",
                    limit.as_secs_f64()
                ),
            };
            return Err(nameless.failure(problem));
        }
    }
    // Alice has been quiet for longer than the idle timeout: she is still in the room, and
    // heard nothing of the nameless client.
    let heard = alice.line_within(Duration::from_millis(100))?;
    if heard.is_some() || alice.end.is_some() {
        return Err(alice.failure(
            "alice, in the room, was quiet for longer than --idle-timeout, and was thrown out \
             (or heard of a client that never joined). Staying quiet is her right: the idle \
             timeout is for clients that send no name (once a client has joined, its reads \
             need no time limit: `set_read_timeout(None)`)."
                .into(),
        ));
    }
    let _bob = User::join(lab, "bob", &["alice"])?;
    alice.expect("* bob has entered the room")
}

/// Alice, Bob and Carol in the room, every arrival heard.
fn three_users(lab: &mut Lab) -> Result<(User, User, User), Failure> {
    let mut alice = User::join_first(lab, "alice")?;
    let mut bob = User::join(lab, "bob", &["alice"])?;
    alice.expect("* bob has entered the room")?;
    let carol = User::join(lab, "carol", &["alice", "bob"])?;
    alice.expect("* carol has entered the room")?;
    bob.expect("* carol has entered the room")?;
    Ok((alice, bob, carol))
}

/// Line `number` of the talker's: 1000 bytes, then `\n`.
fn numbered_line(number: usize) -> String {
    format!("{number:06} {}\n", "x".repeat(993))
}

/// The line that tells a newcomer who is in the room.
fn presence_line(names: &[&str]) -> String {
    match names.is_empty() {
        true => "* The room contains:".to_string(),
        false => format!("* The room contains: {}", names.join(", ")),
    }
}

/// What a user received, for a failure: its last lines heard, then the lines that came but
/// were not read yet, then an unfinished line (the only bytes labelled `no \n yet`), then how
/// the connection ended.
fn received_summary(heard: &[String], pending: &[u8], end: Option<&str>) -> String {
    let recent = heard.len().saturating_sub(4);
    let mut received: Vec<String> = heard[recent..]
        .iter()
        .map(|line| show_bytes(format!("{line}\n").as_bytes()))
        .collect();
    let (whole, partial) = match pending.iter().rposition(|&byte| byte == b'\n') {
        Some(at) => pending.split_at(at + 1),
        None => (&pending[..0], pending),
    };
    if !whole.is_empty() {
        received.push(format!("{} (not read yet)", show_bytes(whole)));
    }
    if !partial.is_empty() {
        received.push(format!("{} (no \\n yet)", show_bytes(partial)));
    }
    received.extend(end.map(str::to_string));
    match received.is_empty() {
        true => "nothing".to_string(),
        false => received.join(", "),
    }
}

/// A chat user played by the checker, on a connection of its own. It remembers what it sent
/// and heard, for the report.
struct User {
    /// Who it is, in the report: `alice`, `a newcomer`.
    who: String,
    stream: TcpStream,
    /// Bytes received that are not a whole line yet.
    pending: Vec<u8>,
    /// Every line heard, in order.
    heard: Vec<String>,
    sent: Vec<u8>,
    /// How the connection ended, once it has.
    end: Option<String>,
    /// The exercise's usual port, for the commands that reproduce a failure.
    port: u16,
}

impl User {
    /// Connects and hears the welcome line.
    fn arrive(lab: &mut Lab, who: &str) -> Result<User, Failure> {
        lab.start()?;
        let address = lab.address()?;
        let stream = match TcpStream::connect_timeout(&address, REPLY_TIMEOUT) {
            Ok(stream) => stream,
            Err(error) => {
                return Err(lab.stopped_or(Failure::new(format!(
                    "{who} could not connect to the server at {address}: {error}"
                ))));
            }
        };
        let setup = stream
            .set_nodelay(true)
            .and_then(|()| stream.set_write_timeout(Some(REPLY_TIMEOUT)));
        setup.map_err(|error| {
            Failure::of_checker(format!("could not set up a connection: {error}"))
        })?;
        let mut user = User {
            who: who.to_string(),
            stream,
            pending: Vec::new(),
            heard: Vec::new(),
            sent: Vec::new(),
            end: None,
            port: lab.default_port,
        };
        user.expect(WELCOME)?;
        Ok(user)
    }

    /// Arrives and joins as `name`, the first of a step, into an empty room. Users of the step
    /// before may still be on their way out (the server hears of a close a moment after it):
    /// while the list is not empty yet, leave and come back, for at most a second or two.
    fn join_first(lab: &mut Lab, name: &str) -> Result<User, Failure> {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let mut user = User::arrive(lab, name)?;
            user.say(name)?;
            let line = user.next_line("the list of those present")?;
            if line == presence_line(&[]) {
                return Ok(user);
            }
            // Not empty yet, or the name is still taken by its owner of the step before.
            if Instant::now() > deadline {
                return Err(user.unexpected(&presence_line(&[]), &line));
            }
            user.quit();
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Arrives, sends `name` and hears that `present` are in the room.
    fn join(lab: &mut Lab, name: &str, present: &[&str]) -> Result<User, Failure> {
        let mut user = User::arrive(lab, name)?;
        user.say(name)?;
        user.expect(&presence_line(present))?;
        Ok(user)
    }

    /// Sends `bytes` in one write.
    fn send(&mut self, bytes: &[u8]) -> StepResult {
        self.sent.extend_from_slice(bytes);
        self.stream.write_all(bytes).map_err(|error| {
            let problem = format!("{} could not send: {error}", self.who);
            self.failure(problem)
        })
    }

    /// Sends `bytes` one byte per write.
    fn send_bytewise(&mut self, bytes: &[u8]) -> StepResult {
        for byte in bytes {
            self.send(&[*byte])?;
            std::thread::sleep(Duration::from_millis(1));
        }
        Ok(())
    }

    /// Sends one line: `text` and `\n`.
    fn say(&mut self, text: &str) -> StepResult {
        self.send(format!("{text}\n").as_bytes())
    }

    /// Closes the connection.
    fn quit(self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    /// Closes the connection with a reset (RST), as a client that crashed.
    fn reset(self) -> StepResult {
        socket2::SockRef::from(&self.stream)
            .set_linger(Some(Duration::ZERO))
            .map_err(|error| Failure::of_checker(format!("could not set SO_LINGER: {error}")))
    }

    /// The next line, without its `\n`, if one comes within `limit`; `None` if none does
    /// (then `end` says whether the connection ended).
    fn line_within(&mut self, limit: Duration) -> Result<Option<String>, Failure> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(at) = self.pending.iter().position(|&byte| byte == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=at).collect();
                let line = String::from_utf8_lossy(&line[..at]).into_owned();
                self.heard.push(line.clone());
                return Ok(Some(line));
            }
            if !self.read_some(deadline) {
                return Ok(None);
            }
        }
    }

    /// One read of what arrives before `deadline`; false once nothing more can come.
    fn read_some(&mut self, deadline: Instant) -> bool {
        if self.end.is_some() {
            return false;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        let _ = self.stream.set_read_timeout(Some(left));
        let mut buffer = [0u8; 64 * 1024];
        match self.stream.read(&mut buffer) {
            Ok(0) => self.end = Some("then the connection closed".into()),
            Ok(count) => self.pending.extend_from_slice(&buffer[..count]),
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(error) => self.end = Some(format!("then the connection failed: {error}")),
        }
        self.end.is_none()
    }

    /// The next line must be `expected`, within [`REPLY_TIMEOUT`].
    fn expect(&mut self, expected: &str) -> StepResult {
        match self.line_within(REPLY_TIMEOUT)? {
            Some(line) if line == expected => Ok(()),
            Some(line) => Err(self.unexpected(expected, &line)),
            None => {
                let problem = match self.end {
                    Some(_) => format!("{}'s connection ended before this line", self.who),
                    None => format!(
                        "{} heard nothing within {} s",
                        self.who,
                        REPLY_TIMEOUT.as_secs()
                    ),
                };
                let mut failure = self.failure(problem);
                failure.expected = Some(show_bytes(format!("{expected}\n").as_bytes()));
                Err(failure)
            }
        }
    }

    /// The server refused what this user sent (`what`): one line, then the close.
    fn expect_refusal(&mut self, what: &str) -> StepResult {
        let line = self.line_within(REPLY_TIMEOUT)?;
        let let_in = line
            .as_deref()
            .is_some_and(|line| line.starts_with("* The room contains"));
        if let_in {
            return Err(self.failure(format!(
                "{what} was let into the room; it must get an error line, then the close"
            )));
        }
        if line.is_none() {
            return Err(self.failure(format!(
                "{what} should get an error line (any text), then the close"
            )));
        }
        if self.line_within(PROMPT)?.is_some() || self.end.is_none() {
            return Err(self.failure(format!(
                "after the error line for {what}, the server should close the connection at once"
            )));
        }
        Ok(())
    }

    /// Reads the list of those present and the arrivals, until this user knows that all of
    /// `names` are in the room.
    fn learn_the_room(&mut self, me: &str, names: &[String]) -> StepResult {
        let first = self.next_line("the list of those present")?;
        let Some(listed) = first.strip_prefix("* The room contains:") else {
            return Err(self.unexpected("* The room contains: ...", &first));
        };
        let mut known: Vec<String> = listed
            .split(',')
            .map(|name| name.trim().to_string())
            .filter(|name| !name.is_empty())
            .collect();
        while known.len() < names.len() - 1 {
            let line = self.next_line("the arrival of another user")?;
            match line.strip_suffix(" has entered the room") {
                Some(newcomer) => known.push(newcomer.trim_start_matches("* ").to_string()),
                None => return Err(self.unexpected("* NAME has entered the room", &line)),
            }
        }
        known.sort();
        let mut others: Vec<String> = names.iter().filter(|name| *name != me).cloned().collect();
        others.sort();
        if known != others {
            return Err(self.failure(format!(
                "{me} should learn, from the list and the arrivals, that the {} others are in \
                 the room, each once: {others:?}; it heard of {known:?}",
                others.len()
            )));
        }
        Ok(())
    }

    /// Reads `lines` lines from each of the others, in the order each sent them.
    fn hear_everyone(&mut self, me: &str, names: &[String], lines: usize) -> StepResult {
        let mut next: BTreeMap<&str, usize> = names
            .iter()
            .filter(|name| *name != me)
            .map(|name| (name.as_str(), 0))
            .collect();
        for _ in 0..next.len() * lines {
            let line = self.next_line("a line from one of the others")?;
            let from = line
                .strip_prefix('[')
                .and_then(|rest| rest.split_once("] "))
                .map(|(from, _)| from);
            let Some((from, count)) = from.and_then(|from| next.get_mut(from).map(|c| (from, c)))
            else {
                return Err(self.failure(format!(
                    "{me} heard {line:?}, which is not a line of one of the others"
                )));
            };
            let expected = format!("[{from}] {count} from {from}");
            if line != expected {
                return Err(self.unexpected(&expected, &line));
            }
            *count += 1;
        }
        Ok(())
    }

    /// The next line, within [`REPLY_TIMEOUT`]; a failure that names `what` if none comes.
    fn next_line(&mut self, what: &str) -> Result<String, Failure> {
        match self.line_within(REPLY_TIMEOUT)? {
            Some(line) => Ok(line),
            None => Err(self.failure(format!("{} should hear {what}", self.who))),
        }
    }

    /// A failure for a line that is not the one expected, explained where we can.
    fn unexpected(&self, expected: &str, line: &str) -> Failure {
        let problem = if expected == "* The room contains:" && line == "* The room contains: " {
            "nothing comes after the colon when the room is empty, not even a space".to_string()
        } else if expected.starts_with("* The room contains") {
            format!(
                "{} heard the wrong list: the others in the room, in the order they came in, \
                 without the newcomer itself (tell it who is there before adding it)",
                self.who
            )
        } else if line.chars().any(char::is_control) {
            format!(
                "{} heard control bytes as they were sent: a relayed line has them escaped, as \
                 `netlesson::show::escape_controls` does",
                self.who
            )
        } else if line.starts_with(&format!("[{}] ", self.who)) {
            format!(
                "{} heard its own line back: a line goes to all the *others*",
                self.who
            )
        } else {
            format!("{} heard the wrong line", self.who)
        };
        let mut failure = self.failure(problem);
        failure.expected = Some(show_bytes(format!("{expected}\n").as_bytes()));
        failure
    }

    /// A failure that shows what this user sent and heard, and how to be this user by hand.
    fn failure(&self, problem: String) -> Failure {
        let sent = match self.sent.is_empty() {
            true => "nothing".to_string(),
            false => show_bytes(&self.sent),
        };
        let received = received_summary(&self.heard, &self.pending, self.end.as_deref());
        Failure {
            problem,
            sent: Some(format!("(by {}) {sent}", self.who)),
            expected: None,
            received: Some(format!("(by {}, last lines) {received}", self.who)),
            reproduce: vec![
                format!("nc 127.0.0.1 {}    (type a name, then lines)", self.port),
                format!("nc 127.0.0.1 {}    (another user)", self.port),
            ],
            ..Failure::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::received_summary;

    #[test]
    fn only_an_unfinished_line_is_labelled_no_newline_yet() {
        let heard = vec!["* The room contains: alice".to_string()];
        let summary = received_summary(&heard, b"[alice] hi\n", None);
        assert_eq!(
            summary,
            r#""* The room contains: alice\n", "[alice] hi\n" (not read yet)"#
        );
        assert!(!summary.contains("no \\n yet"), "{summary}");
        let summary = received_summary(&[], b"[alice] hi\n[bo", Some("then the connection closed"));
        assert_eq!(
            summary,
            r#""[alice] hi\n" (not read yet), "[bo" (no \n yet), then the connection closed"#
        );
        assert_eq!(received_summary(&[], b"", None), "nothing");
    }
}
