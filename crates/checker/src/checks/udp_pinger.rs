//! The check of `udp-pinger` (lesson 7), a client. The checker runs the pinger against
//! `udp-server --reply upper`, directly and through `wiretap udp` with a seed whose losses are
//! known, and against small servers of its own that answer late, twice, with bytes that are
//! not text, or never; then it compares the pinger's output with the protocol, line by line.
//!
//! The output the pinger must print (see its starter's header): `Ping N: reply in T ms` (T in
//! milliseconds, three decimals) or `Ping N: timed out` per ping, then `S sent, R received, L%
//! loss` (L rounded down), then `rtt min/avg/max = MIN/AVG/MAX ms` if any reply came.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use regex_lite::Regex;

use crate::Step;
use crate::catalog::Check;
use contract::lab::{Failure, Lab, StepResult, describe_exit};

/// The exercise: its folder is `crates/exercises/udp-pinger/`.
pub const CHECK: Check = Check {
    name: "udp-pinger",
    info: include_str!("../../../exercises/udp-pinger/exercise.toml"),
    setup: crate::no_setup,
    steps: STEPS,
};

/// The steps, in order.
pub const STEPS: &[Step] = &[
    Step {
        id: "all-answered",
        name: "ten pings to a server that answers each one",
        run: all_answered,
    },
    Step {
        id: "lossy-network",
        name: "a lossy network (wiretap --drop 0.3 --seed 3) loses pings 2, 6 and 8",
        run: lossy_network,
    },
    Step {
        id: "late-reply-and-copy",
        name: "a late reply or a copy is not taken for a later ping's reply",
        run: late_reply_and_copy,
    },
    Step {
        id: "not-text",
        name: "a datagram that is not text is ignored",
        run: not_text,
    },
    Step {
        id: "never-answers",
        name: "a server that never answers: every ping times out",
        run: never_answers,
    },
];

/// The `--timeout` the checker gives the pinger, in seconds: short, so that lost pings cost
/// little, long enough for a reply on a busy machine.
const TIMEOUT: &str = "0.2";
/// [`TIMEOUT`] in milliseconds, for arithmetic.
const TIMEOUT_MS: f64 = 200.0;

/// How long the checker's own servers wait before they reply: a round trip the pinger must
/// show in milliseconds.
const DELAY: Duration = Duration::from_millis(40);

/// What the pinger must report for one ping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// A reply came, after at least this many milliseconds.
    Reply { at_least_ms: u64 },
    /// No reply came in time.
    TimedOut,
}

const FAST: Fate = Fate::Reply { at_least_ms: 0 };
const DELAYED: Fate = Fate::Reply {
    at_least_ms: DELAY.as_millis() as u64,
};
const LOST: Fate = Fate::TimedOut;

/// One run of the pinger: where it sends, what must come of each ping, and how to explain a
/// wrong line and reproduce the run by hand.
struct Run<'a> {
    port: u16,
    /// `--count`, or `None` to leave the default (10).
    count: Option<u32>,
    fates: &'a [Fate],
    /// What the server (or the network) did, for failure messages.
    story: &'a str,
    /// The commands that start the server side by hand (the pinger's comes after).
    by_hand: Vec<String>,
    /// The pinger's options when run by hand.
    by_hand_options: &'a str,
}

fn all_answered(lab: &mut Lab) -> StepResult {
    let server = start_udp_server(lab)?;
    run_and_compare(
        lab,
        Run {
            port: server.port(),
            count: None,
            fates: &[FAST; 10],
            story: "udp-server --reply upper answered every ping at once",
            by_hand: vec![udp_server_by_hand()],
            by_hand_options: &format!("--timeout {TIMEOUT}"),
        },
    )
}

fn lossy_network(lab: &mut Lab) -> StepResult {
    let server = start_udp_server(lab)?;
    // A fresh wiretap for this run: the seed decides the losses of the first client it hears
    // from, and this pinger is that client.
    let to = server.to_string();
    let args = [
        "udp",
        "--listen",
        "127.0.0.1:0",
        "--to",
        &to,
        "--drop",
        "0.3",
        "--seed",
        "3",
    ];
    let wiretap = lab.start_helper("wiretap", "wiretap", &args)?;
    run_and_compare(
        lab,
        Run {
            port: wiretap.port(),
            count: None,
            fates: &[FAST, LOST, FAST, FAST, FAST, LOST, FAST, LOST, FAST, FAST],
            story: "wiretap --drop 0.3 --seed 3 lost pings 6 and 8 on the way to the server, and \
                    the reply to ping 2 on the way back",
            by_hand: vec![
                udp_server_by_hand(),
                "cargo run -q --bin wiretap -- udp --listen 127.0.0.1:5006 --to 127.0.0.1:5005 \
                 --drop 0.3 --seed 3    (start it again before each run of the pinger)"
                    .to_string(),
            ],
            by_hand_options: &format!("--port 5006 --timeout {TIMEOUT}"),
        },
    )
}

fn late_reply_and_copy(lab: &mut Lab) -> StepResult {
    let server = start_scripted_server(5, |number| match number {
        1 => vec![Act::Wait(DELAY), Act::Send(b"PING 1".to_vec())],
        // Ping 2 gets no reply in time; its reply comes late, while the pinger waits for 3,
        // which gets none.
        2 => vec![],
        3 => vec![Act::Send(b"PING 2".to_vec())],
        // Ping 4's reply comes twice; the copy arrives while the pinger waits for 5.
        4 => vec![
            Act::Wait(DELAY),
            Act::Send(b"PING 4".to_vec()),
            Act::Send(b"PING 4".to_vec()),
        ],
        _ => vec![],
    })?;
    run_and_compare(
        lab,
        Run {
            port: server.port(),
            count: Some(5),
            fates: &[DELAYED, LOST, LOST, DELAYED, LOST],
            story: "the checker's server answered ping 1 after 40 ms; did not answer ping 2 in \
                    time but sent `PING 2` late, just after ping 3 came; did not answer ping 3; \
                    answered ping 4 after 40 ms, twice; did not answer ping 5. Only `PING N` \
                    answers ping N: a late reply or a copy answers nothing",
            by_hand: vec![
                udp_server_by_hand(),
                "cargo run -q --bin wiretap -- udp --listen 127.0.0.1:5006 --to 127.0.0.1:5005 \
                 --duplicate 1 --seed 1    (every datagram twice: the nearest by hand; \
                 wiretap's lines show each copy)"
                    .to_string(),
            ],
            by_hand_options: &format!("--port 5006 --timeout {TIMEOUT}"),
        },
    )
}

fn not_text(lab: &mut Lab) -> StepResult {
    let server = start_scripted_server(2, |number| {
        let mut acts = vec![Act::Send(vec![0xff, 0xfe, 0xfd])];
        acts.push(Act::Wait(DELAY));
        acts.push(Act::Send(format!("PING {number}").into_bytes()));
        acts
    })?;
    run_and_compare(
        lab,
        Run {
            port: server.port(),
            count: Some(2),
            fates: &[DELAYED, DELAYED],
            story: "the checker's server sent the bytes ff fe fd (not UTF-8 text) at once, then \
                    the reply `PING N` after 40 ms, for each ping",
            by_hand: vec![udp_server_by_hand()],
            by_hand_options: "--count 100",
        },
    )
    .map_err(|failure| {
        failure.with_reproduce(
            "printf '\\377\\376\\375' | nc -u -w1 127.0.0.1 PORT    (PORT: the pinger's own, \
             from `ss -uanp | grep udp-pinger`, while it pings)",
        )
    })
}

fn never_answers(lab: &mut Lab) -> StepResult {
    // A socket that receives and never answers: the datagrams wait in its queue, unread.
    let silent = UdpSocket::bind("127.0.0.1:0")
        .map_err(|error| Failure::new(format!("could not create a UDP socket: {error}")))?;
    let port = silent
        .local_addr()
        .map_err(|error| Failure::new(format!("could not find the socket's port: {error}")))?
        .port();
    let result = run_and_compare(
        lab,
        Run {
            port,
            count: Some(2),
            fates: &[LOST, LOST],
            story: "the checker's server received both pings and answered neither",
            by_hand: vec![
                udp_server_by_hand(),
                "cargo run -q --bin wiretap -- udp --listen 127.0.0.1:5006 --to 127.0.0.1:5005 \
                 --drop 1 --seed 1    (loses everything)"
                    .to_string(),
            ],
            by_hand_options: &format!("--port 5006 --count 2 --timeout {TIMEOUT}"),
        },
    );
    drop(silent);
    result
}

/// Starts `udp-server --reply upper` on a free port; returns its address.
fn start_udp_server(lab: &mut Lab) -> Result<SocketAddr, Failure> {
    lab.start_helper(
        "lesson-udp",
        "udp-server",
        &["--port", "0", "--reply", "upper"],
    )
}

fn udp_server_by_hand() -> String {
    "cargo run -q --bin udp-server -- --reply upper".to_string()
}

/// Runs the pinger as `run` says and compares its output with the fates, line by line.
fn run_and_compare(lab: &mut Lab, run: Run) -> StepResult {
    let port = run.port.to_string();
    let count = run.count.map(|count| count.to_string());
    let mut args = vec!["--host", "127.0.0.1", "--port", &port, "--timeout", TIMEOUT];
    if let Some(count) = &count {
        args.extend(["--count", count]);
    }
    let lost = run.fates.iter().filter(|fate| **fate == LOST).count();
    // Each lost ping costs one --timeout; the rest are quick. Plenty of room on top, but a
    // pinger that waits a whole second per lost ping cannot make it.
    let limit = Duration::from_secs_f64(TIMEOUT_MS / 1000.0 * lost as f64 + 1.5);
    let mut reproduce = run.by_hand.clone();
    reproduce.push(lab.program_command(run.by_hand_options));
    let finished = lab.run_program(&args, limit).map_err(|failure| {
        explained(
            format!(
                "{}. With --timeout {TIMEOUT} and {lost} {} lost it needs about {:.1} s: does \
                 it wait --timeout seconds (not a fixed second) for each reply, and stop after \
                 --count pings?",
                failure.problem,
                if lost == 1 { "ping" } else { "pings" },
                TIMEOUT_MS / 1000.0 * lost as f64
            ),
            &run,
            &reproduce,
        )
    })?;
    if !finished.status.success() {
        return Err(explained(
            format!(
                "the pinger ended with {}. It must print its lines and exit with status 0: lost \
                 pings are results, not errors",
                describe_exit(finished.status)
            ),
            &run,
            &reproduce,
        ));
    }
    compare(&finished.lines, &run).map_err(|failure| Failure {
        reproduce: reproduce.clone(),
        ..failure
    })
}

/// A failure with the run's story and the commands that reproduce it.
fn explained(problem: String, run: &Run, reproduce: &[String]) -> Failure {
    Failure {
        problem: format!("{problem}\n(In this run, {}.)", run.story),
        reproduce: reproduce.to_vec(),
        ..Failure::default()
    }
}

/// The lines the pinger must print, with `<ms>` where a time goes.
fn expected_lines(fates: &[Fate]) -> Vec<String> {
    let mut lines: Vec<String> = fates
        .iter()
        .enumerate()
        .map(|(index, fate)| match fate {
            Fate::Reply { .. } => format!("Ping {}: reply in <ms> ms", index + 1),
            Fate::TimedOut => format!("Ping {}: timed out", index + 1),
        })
        .collect();
    lines.push(summary_line(fates));
    if fates.iter().any(|fate| *fate != LOST) {
        lines.push("rtt min/avg/max = <ms>/<ms>/<ms> ms".to_string());
    }
    lines
}

fn summary_line(fates: &[Fate]) -> String {
    let sent = fates.len();
    let received = fates.iter().filter(|fate| **fate != LOST).count();
    let loss = (sent - received) * 100 / sent;
    format!("{sent} sent, {received} received, {loss}% loss")
}

/// Compares the printed lines with what the fates call for.
fn compare(lines: &[String], run: &Run) -> StepResult {
    let expected = expected_lines(run.fates);
    let mut times = Vec::new();
    for (index, want) in expected.iter().enumerate() {
        let Some(line) = lines.get(index) else {
            return Err(line_failure(
                run,
                index,
                want,
                "(nothing: the output ended)",
                "the output ends too early",
            ));
        };
        if index < run.fates.len() {
            let time = check_ping_line(line, index, run)?;
            times.extend(time);
        } else if want.starts_with("rtt") {
            check_rtt_line(line, &times, run, index)?;
        } else if line != want {
            let problem = "the summary is wrong: `S sent, R received, L% loss`, where L = (S - R) \
                           * 100 / S rounded down";
            return Err(line_failure(run, index, want, line, problem));
        }
    }
    if let Some(extra) = lines.get(expected.len()) {
        let problem = match run.fates.iter().all(|fate| *fate == LOST) {
            true => "no reply came, so there are no round trips: print no rtt line",
            false => "the output goes on after the last line the protocol has",
        };
        return Err(line_failure(
            run,
            expected.len(),
            "(nothing more)",
            extra,
            problem,
        ));
    }
    Ok(())
}

/// Checks the line of ping `index + 1`; returns its time, if it has one.
fn check_ping_line(line: &str, index: usize, run: &Run) -> Result<Option<f64>, Failure> {
    let number = index + 1;
    let fate = run.fates[index];
    let timed_out = format!("Ping {number}: timed out");
    let reply = Regex::new(&format!(
        r"^Ping {number}: reply in ([0-9]+\.[0-9]{{3}}) ms$"
    ))
    .map_err(|error| Failure::new(format!("the checker's pattern is wrong: {error}")))?;
    let want = &expected_lines(run.fates)[index];
    let time = reply
        .captures(line)
        .and_then(|found| found[1].parse::<f64>().ok());
    match (fate, time) {
        (Fate::TimedOut, None) if line == timed_out => Ok(None),
        (Fate::TimedOut, Some(_)) => Err(line_failure(
            run,
            index,
            want,
            line,
            &format!(
                "ping {number} got no reply in time, but the pinger printed one: did it take \
                 another datagram (a late reply to an earlier ping, a copy) for `PING {number}`?"
            ),
        )),
        (Fate::Reply { .. }, None) if line == timed_out => Err(line_failure(
            run,
            index,
            want,
            line,
            &format!(
                "`PING {number}` came back well within --timeout {TIMEOUT}, but the pinger says \
                 it timed out: does it wait --timeout seconds, and compare the reply with \
                 `PING {number}` exactly?"
            ),
        )),
        (Fate::Reply { at_least_ms }, Some(ms)) => {
            check_time(ms, at_least_ms, run, index, want, line)?;
            Ok(Some(ms))
        }
        _ => Err(line_failure(
            run,
            index,
            want,
            line,
            "this line is not in the protocol's format (the time: milliseconds with three \
             decimals, such as 0.153)",
        )),
    }
}

/// A reply's time must be in milliseconds: at least the server's delay, below the timeout.
fn check_time(
    ms: f64,
    at_least_ms: u64,
    run: &Run,
    index: usize,
    want: &str,
    line: &str,
) -> StepResult {
    let number = index + 1;
    if ms < at_least_ms as f64 {
        let problem = match ms * 1000.0 >= at_least_ms as f64 {
            true => format!(
                "the server answered ping {number} after {at_least_ms} ms, but the pinger \
                 printed {ms:.3}: print milliseconds (seconds * 1000), not seconds"
            ),
            false => format!(
                "the server answered ping {number} after {at_least_ms} ms, but the pinger \
                 printed {ms:.3} ms: it took an earlier datagram (not `PING {number}`) for the \
                 reply, or it measured the time wrong (start the clock just before the send)"
            ),
        };
        return Err(line_failure(run, index, want, line, &problem));
    }
    if ms > TIMEOUT_MS {
        let problem = format!(
            "a round trip of {ms:.3} ms is longer than --timeout {TIMEOUT} allows: print \
             milliseconds, and give up on a ping after --timeout seconds"
        );
        return Err(line_failure(run, index, want, line, &problem));
    }
    Ok(())
}

/// Checks `rtt min/avg/max = MIN/AVG/MAX ms` against the times of the ping lines.
fn check_rtt_line(line: &str, times: &[f64], run: &Run, index: usize) -> StepResult {
    let want = "rtt min/avg/max = <ms>/<ms>/<ms> ms";
    let pattern = Regex::new(
        r"^rtt min/avg/max = ([0-9]+\.[0-9]{3})/([0-9]+\.[0-9]{3})/([0-9]+\.[0-9]{3}) ms$",
    )
    .map_err(|error| Failure::new(format!("the checker's pattern is wrong: {error}")))?;
    let Some(found) = pattern.captures(line) else {
        let problem = "this line is not in the protocol's format (each time: milliseconds with \
                       three decimals)";
        return Err(line_failure(run, index, want, line, problem));
    };
    let value = |group: usize| found[group].parse::<f64>().unwrap_or(f64::NAN);
    let (min, avg, max) = (value(1), value(2), value(3));
    let lowest = times.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = times.iter().copied().fold(0.0, f64::max);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    // Each time was rounded to three decimals before we saw it: allow for that.
    let close = |a: f64, b: f64| (a - b).abs() <= 0.0015;
    let expected = format!("rtt min/avg/max = {lowest:.3}/{mean:.3}/{highest:.3} ms (or close)");
    let problem = match (close(min, lowest), close(avg, mean), close(max, highest)) {
        (false, _, _) => "MIN is not the shortest round trip of the lines above",
        (_, _, false) => "MAX is not the longest round trip of the lines above",
        (_, false, _) => {
            "AVG is not the mean of the round trips above (the sum divided by the replies \
             received, lost pings left out)"
        }
        _ => return Ok(()),
    };
    Err(line_failure(run, index, &expected, line, problem))
}

/// A failure about line `index` (from 0) of the output.
fn line_failure(run: &Run, index: usize, want: &str, line: &str, problem: &str) -> Failure {
    let expected = expected_lines(run.fates)
        .iter()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n");
    Failure {
        problem: format!(
            "Line {} of the output: {problem}{}\n(In this run, {}.)\nThe output expected \
             (<ms>: milliseconds with three decimals, such as 0.153):\n{expected}",
            index + 1,
            if problem.ends_with('?') { "" } else { "." },
            run.story
        ),
        expected: Some(want.to_string()),
        received: Some(line.to_string()),
        ..Failure::default()
    }
}

/// What the checker's own server does when a ping arrives.
enum Act {
    /// Wait this long.
    Wait(Duration),
    /// Send these bytes to the pinger.
    Send(Vec<u8>),
}

/// Starts a UDP server in a thread that answers ping N (a datagram `Ping N`) with the acts
/// `script(N)`, for `count` pings; returns its address. The thread ends after the last ping,
/// or when nothing comes for a few seconds.
fn start_scripted_server(count: u32, script: fn(u32) -> Vec<Act>) -> Result<SocketAddr, Failure> {
    let socket = UdpSocket::bind("127.0.0.1:0")
        .and_then(|socket| {
            socket.set_read_timeout(Some(Duration::from_secs(3)))?;
            Ok(socket)
        })
        .map_err(|error| Failure::new(format!("could not start the checker's server: {error}")))?;
    let address = socket
        .local_addr()
        .map_err(|error| Failure::new(format!("could not find the server's port: {error}")))?;
    std::thread::spawn(move || {
        let mut buffer = [0u8; 1024];
        let mut answered = 0;
        while answered < count {
            let Ok((size, pinger)) = socket.recv_from(&mut buffer) else {
                return;
            };
            let number = std::str::from_utf8(&buffer[..size])
                .ok()
                .and_then(|text| text.strip_prefix("Ping "))
                .and_then(|number| number.parse::<u32>().ok());
            let Some(number) = number else {
                continue;
            };
            for act in script(number) {
                match act {
                    Act::Wait(pause) => std::thread::sleep(pause),
                    Act::Send(bytes) => {
                        let _ = socket.send_to(&bytes, pinger);
                    }
                }
            }
            answered += 1;
        }
    });
    Ok(address)
}
