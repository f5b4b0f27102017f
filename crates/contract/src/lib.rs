//! One contract for every server of the course, checked the same way for all of them.
//!
//! Every server of the course promises the same things, whatever the lesson (CONTRIBUTING.md,
//! "Every server"): it prints its ready line
//! on `--port 0`, serves clients one after another, survives a client that closes at once,
//! resets in the middle of a message, goes silent or sends bytes that are not text (one line
//! naming that client, then the next client is served), binds its port again at once after a
//! crash, keeps serving when nobody reads its output, and outlives a flood of connections.
//! Each [`Subject`] is a server with what it takes to talk to it (one normal exchange, and
//! the exact lines it prints about each misbehaving client); each [`Case`] is one promise,
//! run over every subject (`tests/main.rs` runs them all, in parallel per case).
//!
//! The cases are built from the same pieces as the exercises' checks: [`lab`] (the server
//! under test, and connections that record every byte) and [`steps`] (the steps every server
//! shares), so a failure reads like a failed exercise step: what was sent, expected and
//! received. The exercise checker (crate `checker`) uses both, and runs the cases its steps
//! lack on each exercise's solution.

pub mod lab;
mod servers;
pub mod steps;

pub use servers::{CLIENTS, Client, PROGRAMS, SERVERS};

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::lab::{Failure, Lab, StepResult};
use crate::steps::{self as common, Served};

/// A server the contract applies to.
pub struct Subject {
    /// Its binary, e.g. `echo-server`.
    pub bin: &'static str,
    /// The package that builds it.
    pub package: &'static str,
    /// Its default port (for the commands shown in a failure).
    pub port: u16,
    /// Does it need a folder to write in (`--out-dir`)?
    pub needs_out_dir: bool,
    /// Does it serve many clients at once (lessons 8 to 10)? Then its lines about one client
    /// mix with others', and only those naming the client are compared.
    pub threaded: bool,
    /// One well-behaved client, served correctly (checked byte for byte).
    pub served: Served,
    /// What the server prints about a client that connects and closes at once: the lines
    /// naming that client after `accepted connection from <client>`, one list per outcome
    /// the operating system's timing allows. `{client}` is the client's address, `*` any text.
    pub on_close_at_once: &'static [&'static [&'static str]],
    /// What a client sends before it resets the connection, and the lines that follow.
    pub on_reset: (&'static [u8], &'static [&'static [&'static str]]),
    /// The lines about a client that connects and sends nothing until `--idle-timeout` (1 s).
    pub on_silence: &'static [&'static [&'static str]],
    /// Bytes that are not UTF-8 where the server expects text, what the server answers them
    /// before it closes the connection, and the lines it prints; `None` for a server that
    /// takes any bytes (echo) or reads nothing.
    pub on_not_text: Option<NotText>,
}

/// How a server treats bytes that are not UTF-8 where it expects text.
pub struct NotText {
    /// What the client sends (then it half-closes).
    pub sent: &'static [u8],
    /// Every byte the server sends on that connection, exactly.
    pub answer: &'static [u8],
    /// The lines about the client, as in [`Subject::on_close_at_once`].
    pub lines: &'static [&'static [&'static str]],
}

/// One promise of the contract.
pub struct Case {
    /// What it checks, in words: the test's name says it too.
    pub name: &'static str,
    /// The check, on one server.
    pub run: fn(&Subject, &mut Lab) -> StepResult,
}

/// Every case, in the order a failure is most telling.
pub const CASES: &[Case] = &[
    Case {
        name: "prints its ready line on port 0 and serves clients one after another",
        run: one_after_another,
    },
    Case {
        name: "names a client that connects and closes at once, then serves the next",
        run: closes_at_once,
    },
    Case {
        name: "names a client that resets mid-message, then serves the next",
        run: resets_mid_message,
    },
    Case {
        name: "drops a silent client after --idle-timeout, then serves the next",
        run: silent_client,
    },
    Case {
        name: "names a client that sends bytes that are not UTF-8 text, then serves the next",
        run: not_text,
    },
    Case {
        name: "binds its port again at once after a crash",
        run: restarts,
    },
    Case {
        name: "keeps serving when its stdout is closed",
        run: stdout_closed,
    },
    Case {
        name: "serves a client after 1000 connections at once",
        run: flood,
    },
    Case {
        name: "serves 200 clients while nobody reads its stdout",
        run: stdout_unread,
    },
    Case {
        name: "pauses after accept fails for want of descriptors, then serves again",
        run: descriptors_run_out,
    },
];

/// Runs `case` on `subject`: starts the server (on port 0, `--idle-timeout 1`), runs the case,
/// stops everything. The error is the whole failure report.
pub fn run(case: &Case, subject: &Subject) -> Result<(), String> {
    let mut lab = Lab::for_course_binary(subject.package, subject.bin, subject.port)
        .map_err(|failure| failure.problem)?;
    if subject.needs_out_dir {
        let dir = lab.scratch_dir().map_err(|failure| failure.problem)?;
        let dir = dir.display().to_string();
        lab.add_server_args(&["--out-dir", &dir]);
    }
    let result = (case.run)(subject, &mut lab).map_err(|failure| lab.stopped_or(failure));
    let output = lab.server_output();
    lab.finish();
    result.map_err(|failure| report(subject, case, &failure, &output))
}

fn report(subject: &Subject, case: &Case, failure: &Failure, output: &[String]) -> String {
    let mut text = format!("{} {}: {}", subject.bin, case.name, failure.problem);
    for (label, value) in [
        ("sent", &failure.sent),
        ("expected", &failure.expected),
        ("received", &failure.received),
    ] {
        if let Some(value) = value {
            text.push_str(&format!("\n    {label:<9} {value}"));
        }
    }
    text.push_str("\n  the server printed:");
    for line in output {
        text.push_str(&format!("\n    | {line}"));
    }
    text
}

fn one_after_another(subject: &Subject, lab: &mut Lab) -> StepResult {
    for _ in 0..3 {
        (subject.served)(lab)?;
    }
    Ok(())
}

fn closes_at_once(subject: &Subject, lab: &mut Lab) -> StepResult {
    let conn = lab.connect()?;
    let client = conn.local_addr()?;
    drop(conn);
    common::next_client_served(lab, subject.served, "a client that connected and closed")?;
    expect_lines_about(lab, subject.threaded, client, subject.on_close_at_once)
}

fn resets_mid_message(subject: &Subject, lab: &mut Lab) -> StepResult {
    let (partial, outcomes) = subject.on_reset;
    let mut conn = lab.connect()?;
    let client = conn.local_addr()?;
    conn.send(partial)?;
    conn.reset()?;
    common::next_client_served(lab, subject.served, "a client that reset the connection")?;
    expect_lines_about(lab, subject.threaded, client, outcomes)
}

fn silent_client(subject: &Subject, lab: &mut Lab) -> StepResult {
    let silent = lab.connect()?;
    let client = silent.local_addr()?;
    // The silent client stays connected while the next one waits for its turn.
    common::silent_client_dropped_with(lab, silent, subject.served)?;
    expect_lines_about(lab, subject.threaded, client, subject.on_silence)
}

fn not_text(subject: &Subject, lab: &mut Lab) -> StepResult {
    let Some(not_text) = &subject.on_not_text else {
        return Ok(());
    };
    let mut conn = lab.connect()?;
    let client = conn.local_addr()?;
    conn.send(not_text.sent)?;
    conn.half_close()?;
    conn.expect_then_close(not_text.answer)?;
    let what = "a client that sent bytes that are not text";
    common::next_client_served(lab, subject.served, what)?;
    expect_lines_about(lab, subject.threaded, client, not_text.lines)
}

fn restarts(subject: &Subject, lab: &mut Lab) -> StepResult {
    common::restarts_at_once(lab, subject.served)
}

fn stdout_closed(subject: &Subject, lab: &mut Lab) -> StepResult {
    keeps_serving_with_stdout_closed(lab, subject.served)
}

/// The server started with its stdout closed after the ready line serves a client (its first
/// log line fails: that is where a `println!` panics), then a client that closes at once (more
/// lines fail), and is still running. (Also run on the exercises' solutions by `cargo exercise
/// verify`, whose `served` may work only once: a file saved under a fixed name.)
pub fn keeps_serving_with_stdout_closed(lab: &mut Lab, served: Served) -> StepResult {
    lab.start_with_stdout_closed()?;
    served(lab)?;
    drop(lab.connect()?);
    lab.expect_running()
}

/// How many connections [`flood`] opens at once.
const FLOOD: usize = 1000;

fn flood(subject: &Subject, lab: &mut Lab) -> StepResult {
    serves_after_a_flood(lab, subject.served)
}

/// 1000 connections open at once and close again; then a client is served (within 5 s: a
/// server with a cap on clients may be full until it has let the flood go). (Also run on the
/// exercises' solutions by `cargo exercise verify`.)
pub fn serves_after_a_flood(lab: &mut Lab, served: Served) -> StepResult {
    lab.start()?;
    let address = lab.address()?;
    let started = Instant::now();
    // Non-blocking connects: all 1000 are on their way at once, as in a real flood; the
    // listen queue takes what it can and the rest are refused or dropped by the kernel.
    let mut sockets = Vec::with_capacity(FLOOD);
    for _ in 0..FLOOD {
        sockets.push(start_connecting(address)?);
    }
    std::thread::sleep(Duration::from_millis(300));
    drop(sockets);
    // A server that serves many clients at once may still be letting the flood's connections
    // go, and turn a client away as "full" meanwhile: it must recover, within a few seconds.
    let recovery = Instant::now() + Duration::from_secs(5);
    loop {
        lab.expect_running()?;
        match served(lab) {
            Ok(()) => return Ok(()),
            Err(_) if Instant::now() < recovery => std::thread::sleep(Duration::from_millis(100)),
            Err(failure) => {
                return Err(Failure {
                    problem: format!(
                        "after {FLOOD} connections at once (opened and closed within {} ms), no \
                         client was served for 5 s.\n{}",
                        started.elapsed().as_millis(),
                        failure.problem
                    ),
                    ..failure
                });
            }
        }
    }
}

/// How many clients [`stdout_unread`] serves: each is two lines in the log (accepted, closed),
/// and the pipe (made 4 KiB, about 70 lines, by `testkit::procs::StdoutUnread`) and the 100
/// lines of queue the case gives netlesson's log ([`QUEUE_LINES`]) are full after about 85
/// clients; 200 are more than twice that. (It was 2000 with a 64 KiB pipe, 16 s of
/// `cargo test`, then 400, 1.5 s of processor time, for the same proof.)
const CLIENTS_WITH_STDOUT_UNREAD: usize = 200;

/// The log's queue in [`stdout_unread`] (`NETLESSON_LOG_QUEUE_LINES`): small, so that lines are
/// dropped after a few hundred clients, and the note that says so is checked.
const QUEUE_LINES: &str = "100";

/// The server's stdout is a pipe that nobody reads after the ready line (a paused `less`, a
/// terminal stopped with Ctrl-S): it must serve 200 clients one after another all the same
/// (logging that waits for the pipe stops it: chat-server used to freeze after 422 joins,
/// threaded-server after 817 clients), then, once the pipe is read, say how many log lines it
/// dropped.
fn stdout_unread(subject: &Subject, lab: &mut Lab) -> StepResult {
    lab.start_with_stdout_unread(&[("NETLESSON_LOG_QUEUE_LINES", QUEUE_LINES)])?;
    // Whether it serves is the point, not how promptly it closes each of 400 connections.
    lab.be_patient();
    for number in 1..=CLIENTS_WITH_STDOUT_UNREAD {
        (subject.served)(lab).map_err(|failure| Failure {
            problem: format!(
                "client {number} of {CLIENTS_WITH_STDOUT_UNREAD} was not served while nobody \
                 read the server's stdout: logging must never hold up serving.\n{}",
                failure.problem
            ),
            ..failure
        })?;
    }
    lab.expect_running()?;
    lab.read_unread_stdout_until(|line| {
        line.ends_with(" log lines dropped: stdout is not being read")
    })
    .map_err(|failure| Failure {
        problem: format!(
            "once its stdout was read again, the server did not say how many log lines it \
             dropped (`N log lines dropped: stdout is not being read`).\n{}",
            failure.problem
        ),
        ..failure
    })?;
    Ok(())
}

/// The server's file descriptor limit in [`descriptors_run_out`].
const DESCRIPTORS: u32 = 64;

/// How many connections [`descriptors_run_out`] holds open at once: more than the limit.
const HELD: usize = 100;

/// How long [`descriptors_run_out`] watches a server that cannot accept.
const WATCHED: Duration = Duration::from_millis(500);

/// The most bursts of failed accepts [`WATCHED`] may see (each ends when a client leaves at its
/// idle timeout); a server that does not pause prints hundreds of thousands of lines.
const MOST_BURSTS: usize = 10;

/// The most processor time a server may use in [`WATCHED`] (a server that tries again at
/// once uses all of it; one that pauses, next to nothing).
const MOST_CPU_WATCHED: Duration = Duration::from_millis(150);

/// Under `ulimit -n 64`, 100 connections come at once and stay: a server that serves many
/// clients at once runs out of descriptors, and `accept` fails. It must pause between tries and
/// say so once per burst (chat-server used to try again at once: 800,000 lines in 3 s and a
/// busy core), then serve again when the clients have left. A one-at-a-time server never runs
/// out, and must simply serve again.
fn descriptors_run_out(subject: &Subject, lab: &mut Lab) -> StepResult {
    lab.start_with_descriptor_limit(DESCRIPTORS)?;
    lab.be_patient();
    let address = lab.address()?;
    let mut held = Vec::with_capacity(HELD);
    for _ in 0..HELD {
        held.push(start_connecting(address)?);
    }
    // A measurement window, not a wait for readiness: what does the server do for half a
    // second while it cannot accept?
    let id = lab.server_id();
    let cpu_before = id.and_then(testkit::procs::cpu_time);
    std::thread::sleep(WATCHED);
    let cpu = id
        .and_then(testkit::procs::cpu_time)
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    // Once per burst: a burst ends when a descriptor comes back (a client dropped at its idle
    // timeout, say), with `accepting again after ...`; then the next may begin.
    let failed_accepts = count_lines(lab, "accept failed: ");
    let accepting_again = count_lines(lab, "accepting again after ");
    if failed_accepts > accepting_again + 1 || failed_accepts > MOST_BURSTS {
        return Err(Failure::new(format!(
            "out of descriptors (ulimit -n {DESCRIPTORS}, {HELD} connections), the server printed \
             `accept failed` {failed_accepts} times in {} ms, and `accepting again` \
             {accepting_again} times: it must pause between tries, and say so once per burst",
            WATCHED.as_millis()
        )));
    }
    if let Some(cpu) = cpu.filter(|cpu| *cpu > MOST_CPU_WATCHED) {
        return Err(Failure::new(format!(
            "out of descriptors, the server used {} ms of processor time in {} ms: it must \
             pause between tries instead of spinning",
            cpu.as_millis(),
            WATCHED.as_millis()
        )));
    }
    drop(held);
    let recovery = Instant::now() + Duration::from_secs(10);
    loop {
        lab.expect_running()?;
        match (subject.served)(lab) {
            Ok(()) => break,
            Err(_) if Instant::now() < recovery => std::thread::sleep(Duration::from_millis(100)),
            Err(failure) => {
                return Err(Failure {
                    problem: format!(
                        "after {HELD} connections under ulimit -n {DESCRIPTORS} had left, no \
                         client was served for 10 s.\n{}",
                        failure.problem
                    ),
                    ..failure
                });
            }
        }
    }
    // Every burst ends with `accepting again after ...`, said at the next accept that works:
    // poll for it, with a client now and then (a burst can begin after the client above was
    // served, while the server takes in the last of the 100: it ends with the next client).
    let said_again = Instant::now() + Duration::from_secs(10);
    loop {
        let failed = count_lines(lab, "accept failed: ");
        let again = count_lines(lab, "accepting again after ");
        if again == failed {
            return Ok(());
        }
        let _ = (subject.served)(lab);
        if Instant::now() > said_again {
            return Err(Failure::new(format!(
                "the server said `accept failed` {failed} times and `accepting again after ...` \
                 {again} times: each burst of failures must end with the second"
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How many of the server's lines so far start with `prefix`.
fn count_lines(lab: &mut Lab, prefix: &str) -> usize {
    lab.server_output()
        .iter()
        .filter(|line| line.starts_with(prefix))
        .count()
}

fn start_connecting(address: SocketAddr) -> Result<socket2::Socket, Failure> {
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(address),
        socket2::Type::STREAM,
        None,
    )
    .map_err(|error| Failure::new(format!("could not create a socket: {error}")))?;
    socket
        .set_nonblocking(true)
        .map_err(|error| Failure::new(format!("could not set a socket non-blocking: {error}")))?;
    // "In progress" is the normal answer of a non-blocking connect.
    let _ = socket.connect(&address.into());
    Ok(socket)
}

/// The server printed `accepted connection from <client>`, then exactly one of `outcomes`
/// about that client (and nothing else naming it).
pub fn expect_lines_about(
    lab: &mut Lab,
    threaded: bool,
    client: SocketAddr,
    outcomes: &[&[&str]],
) -> StepResult {
    // The server may still be printing its last line about the client: give it a moment.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let output = lab.server_output();
        let lines = match threaded {
            false => lines_of(&output, client),
            true => lines_naming(&output, client),
        };
        let accepted = format!("accepted connection from {client}");
        let rest = lines.get(1..).unwrap_or(&[]);
        let fits = lines.first() == Some(&accepted)
            && outcomes.iter().any(|outcome| {
                outcome.len() == rest.len()
                    && outcome.iter().zip(rest).all(|(pattern, line)| {
                        matches(&pattern.replace("{client}", &client.to_string()), line)
                    })
            });
        if fits {
            return Ok(());
        }
        if Instant::now() > deadline {
            let wanted: Vec<String> = outcomes
                .iter()
                .map(|outcome| format!("[{}]", outcome.join(" / ")))
                .collect();
            let mut failure = Failure::new(format!(
                "the server's lines about the client {client} are not what the contract says"
            ));
            failure.expected = Some(format!(
                "`{accepted}`, then one of: {}",
                wanted.join(" or ")
            ));
            failure.received = Some(format!("{lines:?}"));
            return Err(failure);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The lines a one-at-a-time server printed while it served `client`: from `accepted
/// connection from <client>` up to the line that ends it (`closed connection from <client>`
/// or `client <client>: <problem>`), with whatever it printed in between.
fn lines_of(output: &[String], client: SocketAddr) -> Vec<String> {
    let accepted = format!("accepted connection from {client}");
    let closed = format!("closed connection from {client}");
    let problem = format!("client {client}: ");
    let Some(start) = output.iter().position(|line| *line == accepted) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for line in &output[start..] {
        lines.push(line.clone());
        if *line == closed || line.starts_with(&problem) {
            break;
        }
    }
    lines
}

/// The lines of `output` that name `client`, for a server that serves many clients at once.
fn lines_naming(output: &[String], client: SocketAddr) -> Vec<String> {
    let address = client.to_string();
    output
        .iter()
        .filter(|line| line.contains(&address))
        .cloned()
        .collect()
}

/// Whether `line` matches `pattern`, where `*` stands for any text (possibly none).
pub fn matches(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else {
        return line.is_empty();
    };
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (index, part) in parts.iter().enumerate() {
        if index == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn a_star_stands_for_any_text() {
        assert!(matches("Sent \"*\" to 1", "Sent \"Wed Jan  1\" to 1"));
        assert!(matches("exact", "exact"));
        assert!(!matches("exact", "exactly"));
        assert!(matches("a*", "a"));
        assert!(matches("*b", "ab"));
        assert!(!matches("a*c*e", "abcd"));
        assert!(matches("a*c*e", "abcde"));
    }
}
