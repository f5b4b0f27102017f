//! The check of `udp-pinger` (lesson 7), a client. The checker runs the pinger against
//! `udp-server --reply upper` through `wiretap udp` with a seed whose losses are known, and
//! against small servers of its own that answer at once, late, twice, with bytes that are not
//! text, or never (sending junk all the while), and note what the pinger sent (exactly
//! `Ping N`, one after another, from one socket); then it compares the pinger's output with the
//! protocol, line by line.
//!
//! The output the pinger must print (see its starter's header): `Ping N: reply in T ms` (T in
//! milliseconds, three decimals) or `Ping N: timed out` per ping, then `S sent, R received, L%
//! loss` (L rounded down), then `rtt min/avg/max = MIN/AVG/MAX ms` if any reply came.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use netlesson::show::show_bytes;

use regex_lite::Regex;

use crate::Check;
use crate::{Rule, Step};
use contract::lab::{Failure, Lab, StepResult, describe_exit};

/// The exercise: its folder is `crates/exercises/udp-pinger/`.
pub const CHECK: Check = Check {
    name: "udp-pinger",
    info: include_str!("../../exercises/udp-pinger/exercise.toml"),
    setup: crate::no_setup,
    steps: STEPS,
    rules: RULES,
};

/// The rules of the starter's header, each with the step and the known-bad programs that
/// prove the check enforces it.
pub const RULES: &[Rule] = &[
    Rule {
        rule: "From one UDP socket",
        step: "all-answered",
        known_bad: &["socket-per-ping"],
    },
    Rule {
        rule: "send `--count` pings (default 10)",
        step: "late-reply-and-copy",
        known_bad: &["ignores-count"],
    },
    Rule {
        rule: "one after another",
        step: "all-answered",
        known_bad: &["sends-all-pings-first"],
    },
    Rule {
        rule: "Ping number N is one datagram holding exactly the text `Ping N`.",
        step: "all-answered",
        known_bad: &["sends-a-newline"],
    },
    Rule {
        rule: "wait at most `--timeout` seconds (default 1; decimals allowed, such as 0.2) for \
               its reply",
        step: "lossy-network",
        known_bad: &["ignores-the-timeout"],
    },
    Rule {
        rule: "Anything else that arrives meanwhile is not its reply: a late reply to an earlier \
               ping, a second copy of a reply",
        step: "late-reply-and-copy",
        known_bad: &["takes-any-reply"],
    },
    Rule {
        rule: "bytes that are not text",
        step: "not-text",
        known_bad: &["panics-on-bytes-that-are-not-text"],
    },
    Rule {
        rule: "Ignore it and go on waiting",
        step: "not-text",
        known_bad: &["gives-up-at-a-stray"],
    },
    Rule {
        rule: "until the same deadline",
        step: "never-answers",
        known_bad: &["restarts-the-timeout"],
    },
    Rule {
        rule: "in milliseconds with exactly three decimals",
        step: "late-reply-and-copy",
        known_bad: &["times-in-seconds"],
    },
    Rule {
        rule: "in milliseconds with exactly three decimals",
        step: "all-answered",
        known_bad: &["two-decimals"],
    },
    Rule {
        rule: "or `Ping N: timed out`",
        step: "lossy-network",
        known_bad: &["says-no-reply"],
    },
    Rule {
        rule: "where L = (S - R) * 100 / S in whole numbers, rounded down",
        step: "late-reply-and-copy",
        known_bad: &["rounds-the-loss"],
    },
    Rule {
        rule: "the shortest, the mean and the longest round trip",
        step: "lossy-network",
        known_bad: &["averages-over-all-pings"],
    },
    Rule {
        rule: "With no reply at all, no such line.",
        step: "never-answers",
        known_bad: &["rtt-line-without-replies"],
    },
    Rule {
        rule: "Lost pings are results, not errors: the pinger exits with status 0.",
        step: "lossy-network",
        known_bad: &["exits-1-on-loss"],
    },
    Rule {
        rule: "Only when it cannot do its job (no socket, or a ping it cannot send, as to \
               `--port 0`) does it print `error: ...` and exit with 1",
        step: "cannot-send",
        known_bad: &["ignores-send-errors"],
    },
];

/// The steps, in order.
pub const STEPS: &[Step] = &[
    Step {
        id: "all-answered",
        name: "ten pings, `Ping 1` to `Ping 10`, from one socket, to a server that answers each",
        run: all_answered,
    },
    Step {
        id: "lossy-network",
        name: "a lossy network (wiretap --drop 0.3 --seed 3) loses pings 2, 6 and 8",
        run: lossy_network,
    },
    Step {
        id: "late-reply-and-copy",
        name: "a late reply or a copy is not taken for a later ping's reply (2 of 3 lost: 66% \
               loss)",
        run: late_reply_and_copy,
    },
    Step {
        id: "not-text",
        name: "a datagram that is not text is ignored, and the reply still awaited",
        run: not_text,
    },
    Step {
        id: "never-answers",
        name: "a server that never answers, and sends junk every 50 ms: every ping times out on \
               time",
        run: never_answers,
    },
    Step {
        id: "cannot-send",
        name: "a ping that cannot be sent (--port 0) is an error: `error: ...`, exit status 1",
        run: cannot_send,
    },
];

/// The `--timeout` the checker gives the pinger in a run where some pings are lost and some
/// answered, in seconds: short, so that lost pings cost little, long enough for a reply on a
/// busy machine.
const TIMEOUT: &str = "0.3";

/// The `--timeout` of a run where every ping is answered: the default, 1 s (no ping waits for
/// it, and no busy machine makes a reply that late).
const ANSWERED: &str = "1";

/// The `--timeout` of a run where no ping is answered: nothing can come late.
const UNANSWERED: &str = "0.2";

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
    /// Its `--timeout`, in seconds.
    timeout: &'a str,
}

fn all_answered(lab: &mut Lab) -> StepResult {
    // Each reply after a moment's wait, so that a ping sent before its predecessor's reply
    // came shows (a pinger waits for each reply, or for --timeout, before the next ping).
    let server = ScriptedServer::start(10, |number| {
        vec![
            Act::Wait(Duration::from_millis(2)),
            Act::Send(format!("PING {number}").into_bytes()),
        ]
    })?;
    let story = "the checker's server answered every ping, 2 ms after it came";
    let run = Run {
        port: server.address.port(),
        count: None,
        fates: &[FAST; 10],
        story,
        by_hand: vec![udp_server_by_hand()],
        by_hand_options: "",
        timeout: ANSWERED,
    };
    let result = run_and_compare(lab, &run);
    server.judge(lab, 10, &run, result)
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
        &Run {
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
            timeout: TIMEOUT,
        },
    )
}

fn late_reply_and_copy(lab: &mut Lab) -> StepResult {
    let server = ScriptedServer::start(3, |number| match number {
        // Ping 1's reply comes twice; the copy arrives while the pinger waits for ping 2,
        // which gets no reply.
        1 => vec![
            Act::Wait(DELAY),
            Act::Send(b"PING 1".to_vec()),
            Act::Send(b"PING 1".to_vec()),
        ],
        // Ping 2's reply comes late, just after ping 3 came, which gets no reply.
        3 => vec![Act::Send(b"PING 2".to_vec())],
        _ => vec![],
    })?;
    let run = Run {
        port: server.address.port(),
        count: Some(3),
        fates: &[DELAYED, LOST, LOST],
        story: "the checker's server answered ping 1 after 40 ms, twice; did not answer ping 2 \
                in time but sent `PING 2` late, just after ping 3 came; did not answer ping 3. \
                Only `PING N` answers ping N: a late reply or a copy answers nothing. 2 of 3 \
                lost is 66% loss: (3 - 1) * 100 / 3, rounded down",
        by_hand: vec![
            udp_server_by_hand(),
            "cargo run -q --bin wiretap -- udp --listen 127.0.0.1:5006 --to 127.0.0.1:5005 \
             --duplicate 1 --seed 1    (every datagram twice: the nearest by hand; wiretap's \
             lines show each copy)"
                .to_string(),
        ],
        by_hand_options: &format!("--port 5006 --count 3 --timeout {TIMEOUT}"),
        timeout: TIMEOUT,
    };
    let result = run_and_compare(lab, &run);
    server.judge(lab, 3, &run, result)
}

fn not_text(lab: &mut Lab) -> StepResult {
    let server = ScriptedServer::start(2, |number| {
        vec![
            Act::Send(vec![0xff, 0xfe, 0xfd]),
            Act::Wait(DELAY),
            Act::Send(format!("PING {number}").into_bytes()),
        ]
    })?;
    let run = Run {
        port: server.address.port(),
        count: Some(2),
        fates: &[DELAYED, DELAYED],
        story: "the checker's server sent the bytes ff fe fd (not UTF-8 text) at once, then \
                the reply `PING N` after 40 ms, for each ping: ignore what is not the reply, \
                and go on waiting for it",
        by_hand: vec![udp_server_by_hand()],
        by_hand_options: "--count 100",
        timeout: ANSWERED,
    };
    let result = run_and_compare(lab, &run);
    server.judge(lab, 2, &run, result).map_err(|failure| {
        failure.with_reproduce(
            "printf '\\377\\376\\375' | nc -u -w1 127.0.0.1 PORT    (PORT: the pinger's own, \
             from `ss -uanp | grep udp-pinger`, while it pings)",
        )
    })
}

fn never_answers(lab: &mut Lab) -> StepResult {
    // Junk more often than --timeout: a pinger that starts its wait again at each datagram
    // it ignores never gets to the end.
    let server = ScriptedServer::start(2, |number| match number {
        1 => vec![Act::JunkEvery(JUNK_EVERY)],
        _ => vec![],
    })?;
    let run = Run {
        port: server.address.port(),
        count: Some(2),
        fates: &[LOST, LOST],
        story: "the checker's server received both pings and answered neither; from the first \
                ping on it sent junk (`PONG`, and bytes that are not text) every 50 ms. Each \
                ping waits --timeout from its send, whatever arrives meanwhile",
        by_hand: vec![
            udp_server_by_hand(),
            "cargo run -q --bin wiretap -- udp --listen 127.0.0.1:5006 --to 127.0.0.1:5005 \
             --drop 1 --seed 1    (loses everything)"
                .to_string(),
        ],
        by_hand_options: &format!("--port 5006 --count 2 --timeout {UNANSWERED}"),
        timeout: UNANSWERED,
    };
    let result = run_and_compare(lab, &run);
    server.judge(lab, 2, &run, result)
}

/// `--port 0`: no datagram can be sent there (the system refuses it), so the pinger cannot do
/// its job: it must say so in an `error: ...` line and exit with 1, not report lost pings.
fn cannot_send(lab: &mut Lab) -> StepResult {
    let args = ["--port", "0", "--count", "2", "--timeout", UNANSWERED];
    let reproduce = vec![lab.program_command("--port 0 --count 2")];
    let finished = lab
        .run_program(&args, Duration::from_secs(2))
        .map_err(|failure| Failure {
            reproduce: reproduce.clone(),
            ..failure
        })?;
    let error_line = finished
        .lines
        .iter()
        .any(|line| line.starts_with("error: "));
    if finished.status.code() == Some(1) && error_line {
        return Ok(());
    }
    Err(Failure {
        problem: cannot_send_problem(&describe_exit(finished.status), error_line),
        expected: Some("a line `error: ...` (the send's error), then exit status 1".to_string()),
        received: Some(match finished.lines.is_empty() {
            true => format!("nothing, then {}", describe_exit(finished.status)),
            false => format!(
                "{} (then {})",
                finished.lines.join(" | "),
                describe_exit(finished.status)
            ),
        }),
        reproduce,
        ..Failure::default()
    })
}

/// What a pinger that did not fail on a send it could not make did wrong.
fn cannot_send_problem(exit: &str, error_line: bool) -> String {
    let printed = match error_line {
        true => "",
        false => " without an `error: ...` line",
    };
    format!(
        "With --port 0 no ping can be sent (`send_to` fails: the system refuses port 0), and \
         the pinger ended with {exit}{printed}.\nA ping that cannot be sent is not a lost ping: \
         the pinger cannot do its job, so return the send's error (`?`), and `run_pinger` \
         prints `error: ...` and exits with 1"
    )
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

/// `run`'s --timeout in milliseconds.
fn timeout_ms(run: &Run) -> f64 {
    run.timeout.parse::<f64>().unwrap_or(1.0) * 1000.0
}

/// Runs the pinger as `run` says and compares its output with the fates, line by line.
fn run_and_compare(lab: &mut Lab, run: &Run) -> StepResult {
    let port = run.port.to_string();
    let count = run.count.map(|count| count.to_string());
    let mut args = vec![
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--timeout",
        run.timeout,
    ];
    if let Some(count) = &count {
        args.extend(["--count", count]);
    }
    let lost = run.fates.iter().filter(|fate| **fate == LOST).count();
    // Each lost ping costs one --timeout; the rest are quick. Plenty of room on top, but a
    // pinger that waits a whole second per lost ping cannot make it.
    let limit = Duration::from_secs_f64(timeout_ms(run) / 1000.0 * lost as f64 + 1.5);
    let reproduce = reproduce_commands(lab, run);
    let finished = lab.run_program(&args, limit).map_err(|failure| {
        explained(
            format!(
                "{}. With --timeout {} and {lost} {} lost it needs about {:.1} s: does \
                 it give each ping --timeout seconds from its send (not a fixed second, and not \
                 again from each datagram it ignores), and stop after --count pings?",
                failure.problem,
                run.timeout,
                if lost == 1 { "ping" } else { "pings" },
                timeout_ms(run) / 1000.0 * lost as f64
            ),
            run,
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
            run,
            &reproduce,
        ));
    }
    compare(&finished.lines, run).map_err(|failure| Failure {
        reproduce: reproduce.clone(),
        ..failure
    })
}

/// The commands that run `run` by hand: its server side, then the pinger.
fn reproduce_commands(lab: &Lab, run: &Run) -> Vec<String> {
    let mut reproduce = run.by_hand.clone();
    reproduce.push(lab.program_command(run.by_hand_options));
    reproduce
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
    .map_err(|error| Failure::of_checker(format!("the checker's pattern is wrong: {error}")))?;
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
                "`PING {number}` came back well within --timeout {}, but the pinger says \
                 it timed out: does it wait --timeout seconds, and compare the reply with \
                 `PING {number}` exactly?",
                run.timeout
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
    if ms > timeout_ms(run) {
        let problem = format!(
            "a round trip of {ms:.3} ms is longer than --timeout {} allows: print \
             milliseconds, and give up on a ping after --timeout seconds",
            run.timeout
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
    .map_err(|error| Failure::of_checker(format!("the checker's pattern is wrong: {error}")))?;
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
    /// Wait this long (and note whether another datagram came meanwhile: the pinger did not
    /// wait for this reply before it sent more).
    Wait(Duration),
    /// Send these bytes to the pinger.
    Send(Vec<u8>),
    /// From now on, send junk (`PONG`, then bytes that are not text, in turn) to the pinger
    /// this often, until the step ends.
    JunkEvery(Duration),
}

/// How often the server of `never-answers` sends junk: more often than --timeout.
const JUNK_EVERY: Duration = Duration::from_millis(50);

/// A UDP server of the checker's, in a thread: it answers ping N (a datagram `Ping N`) with
/// the acts `script(N)`, and notes every datagram that came and who sent it, so that the step
/// can say what the pinger sent. It stops when it is dropped, at the end of the step.
struct ScriptedServer {
    address: SocketAddr,
    log: Arc<Mutex<Log>>,
    stop: Arc<AtomicBool>,
}

/// What a [`ScriptedServer`] saw.
#[derive(Default)]
struct Log {
    /// Every datagram that came, with its sender, in order.
    arrived: Vec<(SocketAddr, Vec<u8>)>,
    /// The first ping whose reply the server was still waiting to send (`Act::Wait`) when
    /// another datagram came: the pinger did not wait for that reply.
    overtaken: Option<u32>,
}

impl ScriptedServer {
    /// Starts the server for `count` pings; the thread ends after the last, when nothing comes
    /// for a few seconds, or when the server is dropped.
    fn start(count: u32, script: fn(u32) -> Vec<Act>) -> Result<ScriptedServer, Failure> {
        let socket = UdpSocket::bind("127.0.0.1:0").map_err(|error| {
            Failure::of_checker(format!("could not start the checker's server: {error}"))
        })?;
        let address = socket.local_addr().map_err(|error| {
            Failure::of_checker(format!("could not find the server's port: {error}"))
        })?;
        let log = Arc::new(Mutex::new(Log::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (thread_log, thread_stop) = (Arc::clone(&log), Arc::clone(&stop));
        std::thread::spawn(move || serve_script(&socket, count, script, &thread_log, &thread_stop));
        Ok(ScriptedServer { address, log, stop })
    }

    /// The step's result, unless what the pinger sent breaks the protocol: then that, first
    /// (the output of a pinger that sends the wrong pings says little). `count` pings were
    /// expected.
    fn judge(&self, lab: &Lab, count: u32, run: &Run, result: StepResult) -> StepResult {
        let log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        // A ping that came early is the pinger's mistake only if its output is right: on a
        // machine so busy that the server answered after --timeout, a right pinger has moved
        // on to the next ping, and its output (a ping timed out) says what happened.
        match wrong_pings(&log, count, result.is_ok()) {
            Some(problem) => Err(explained(problem, run, &reproduce_commands(lab, run))),
            None => result,
        }
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// What is wrong with the pings that `log` saw, if anything: each `Ping N` exactly, N from 1
/// on, one after another (each once its predecessor's reply came; judged only when
/// `output_right`), all from one socket.
fn wrong_pings(log: &Log, count: u32, output_right: bool) -> Option<String> {
    let pings: Vec<&(SocketAddr, Vec<u8>)> = log.arrived.iter().take(count as usize).collect();
    for (index, (_, bytes)) in pings.iter().enumerate() {
        let want = format!("Ping {}", index + 1);
        if bytes.as_slice() != want.as_bytes() {
            return Some(format!(
                "the pinger's datagram number {} was {}, where ping {} is exactly the text \
                 `{want}` (no newline, nothing else)",
                index + 1,
                show_bytes(bytes),
                index + 1
            ));
        }
    }
    if let Some(number) = log.overtaken.filter(|_| output_right) {
        return Some(format!(
            "the checker's server was about to answer ping {number} when the next ping came: \
             send a ping only once the reply to the one before has come, or its --timeout has \
             passed (the pings go one after another)"
        ));
    }
    let first = pings.first()?.0;
    if let Some((other, _)) = pings.iter().find(|(sender, _)| *sender != first) {
        return Some(format!(
            "the pings came from more than one socket ({first} and {other}): send every ping \
             from one UDP socket, made once, so that a late reply still reaches the pinger"
        ));
    }
    None
}

/// The server's thread: receives the pings and plays their acts.
fn serve_script(
    socket: &UdpSocket,
    count: u32,
    script: fn(u32) -> Vec<Act>,
    log: &Mutex<Log>,
    stop: &Arc<AtomicBool>,
) {
    let lock = || log.lock().unwrap_or_else(PoisonError::into_inner);
    let _ = socket.set_read_timeout(Some(Duration::from_millis(100)));
    let mut buffer = [0u8; 1024];
    let mut answered = 0;
    let mut quiet = Duration::ZERO;
    while answered < count && quiet < Duration::from_secs(3) && !stop.load(Ordering::Relaxed) {
        let Ok((size, pinger)) = socket.recv_from(&mut buffer) else {
            quiet += Duration::from_millis(100);
            continue;
        };
        quiet = Duration::ZERO;
        lock().arrived.push((pinger, buffer[..size].to_vec()));
        // The ping's number, even in a ping with more than `Ping N` (the log says what is
        // wrong with it), so that the pinger is answered and goes on.
        let number = std::str::from_utf8(&buffer[..size])
            .ok()
            .and_then(|text| text.strip_prefix("Ping "))
            .and_then(|number| number.trim_end().parse::<u32>().ok());
        let Some(number) = number else {
            continue;
        };
        for act in script(number) {
            match act {
                Act::Wait(pause) => {
                    std::thread::sleep(pause);
                    if something_waiting(socket) {
                        lock().overtaken.get_or_insert(number);
                    }
                }
                Act::Send(bytes) => {
                    let _ = socket.send_to(&bytes, pinger);
                }
                Act::JunkEvery(interval) => send_junk(socket, pinger, interval, stop),
            }
        }
        answered += 1;
    }
}

/// Whether a datagram waits to be read on `socket`, now.
fn something_waiting(socket: &UdpSocket) -> bool {
    let _ = socket.set_nonblocking(true);
    let mut byte = [0u8; 1];
    let waiting = socket.peek_from(&mut byte).is_ok();
    let _ = socket.set_nonblocking(false);
    waiting
}

/// Starts a thread that sends junk to `pinger` every `interval`, until `stop` (or 5 s).
fn send_junk(socket: &UdpSocket, pinger: SocketAddr, interval: Duration, stop: &Arc<AtomicBool>) {
    let Ok(socket) = socket.try_clone() else {
        return;
    };
    let stop = Arc::clone(stop);
    std::thread::spawn(move || {
        let started = Instant::now();
        let junk: [&[u8]; 2] = [b"PONG", &[0xff, 0xfe, 0xfd]];
        for piece in junk.iter().cycle() {
            if stop.load(Ordering::Relaxed) || started.elapsed() > Duration::from_secs(5) {
                return;
            }
            let _ = socket.send_to(piece, pinger);
            std::thread::sleep(interval);
        }
    });
}
