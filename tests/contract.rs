//! The contract every server keeps (`contract`), checked over every server: one test
//! per promise, each running all servers at once.

use ::contract::{CASES, Case, SERVERS, run};

fn every_server_keeps(case_name: &str) {
    testkit::bins::build_all_once().expect("the course builds");
    let case: &Case = CASES
        .iter()
        .find(|case| case.name == case_name)
        .expect("a case of that name");
    let failures: Vec<String> = std::thread::scope(|scope| {
        let running: Vec<_> = SERVERS
            .iter()
            .map(|subject| scope.spawn(move || run(case, subject)))
            .collect();
        running
            .into_iter()
            .filter_map(|handle| match handle.join() {
                Ok(result) => result.err(),
                Err(_) => Some("the check panicked".to_string()),
            })
            .collect()
    });
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n\n"));
}

#[test]
fn every_server_prints_its_ready_line_and_serves_clients_one_after_another() {
    every_server_keeps("prints its ready line on port 0 and serves clients one after another");
}

#[test]
fn every_server_names_a_client_that_connects_and_closes_at_once() {
    every_server_keeps("names a client that connects and closes at once, then serves the next");
}

#[test]
fn every_server_names_a_client_that_resets_mid_message() {
    every_server_keeps("names a client that resets mid-message, then serves the next");
}

#[test]
fn every_server_drops_a_silent_client_after_its_idle_timeout() {
    every_server_keeps("drops a silent client after --idle-timeout, then serves the next");
}

#[test]
fn every_server_names_a_client_that_sends_bytes_that_are_not_text() {
    every_server_keeps(
        "names a client that sends bytes that are not UTF-8 text, then serves the next",
    );
}

#[test]
fn every_server_binds_its_port_again_at_once_after_a_crash() {
    every_server_keeps("binds its port again at once after a crash");
}

#[test]
fn every_server_keeps_serving_when_its_stdout_is_closed() {
    every_server_keeps("keeps serving when its stdout is closed");
}

#[test]
fn every_server_serves_a_client_after_a_flood_of_connections() {
    every_server_keeps("serves a client after 1000 connections at once");
}

#[test]
fn every_server_serves_200_clients_while_nobody_reads_its_stdout() {
    every_server_keeps("serves 200 clients while nobody reads its stdout");
}

#[test]
fn every_server_pauses_after_accept_fails_for_want_of_descriptors() {
    every_server_keeps("pauses after accept fails for want of descriptors, then serves again");
}

// The one-shot runs of the contract: every program's options, and every client against a
// server that misbehaves. Each runs the real binary with assert_cmd, with a time limit.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use ::contract::{CLIENTS, Client, PROGRAMS};
use assert_cmd::Command;
use predicates::prelude::*;

/// How long a one-shot run may take: clients run with `--timeout 1`.
const RUN_LIMIT: Duration = Duration::from_secs(8);

fn program(bin: &str) -> Command {
    testkit::bins::build_all_once().expect("the course builds");
    let mut command = Command::new(testkit::bins::path(bin).expect("the program is built"));
    command.timeout(RUN_LIMIT);
    command
}

/// `--help` of `bin` (or of `bin sub`), which must exit with 0.
fn help_of(bin: &str, sub: Option<&str>) -> String {
    let mut command = program(bin);
    command.args(sub).arg("--help");
    let output = command.assert().success().get_output().stdout.clone();
    String::from_utf8(output).expect("help is UTF-8")
}

/// The options in a help text that have no words after them, on their line or the next.
fn options_without_explanation(help: &str) -> Vec<String> {
    let lines: Vec<&str> = help.lines().collect();
    let mut bare = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with("--") && !trimmed.starts_with("-h") && !trimmed.starts_with("-V") {
            continue;
        }
        // clap puts the explanation after two or more spaces, or on the next, deeper line.
        let explained_here = trimmed
            .split_once("  ")
            .is_some_and(|(_, rest)| !rest.trim().is_empty());
        let next = lines.get(index + 1).copied().unwrap_or("");
        let explained_below = next.len() - next.trim_start().len() > line.len() - trimmed.len()
            && !next.trim_start().starts_with('-');
        if !explained_here && !explained_below {
            bare.push(trimmed.to_string());
        }
    }
    bare
}

#[test]
fn every_program_explains_every_option_in_its_help() {
    for bin in PROGRAMS {
        let subcommands: &[Option<&str>] = match *bin {
            "wiretap" => &[Some("tcp"), Some("udp")],
            _ => &[None],
        };
        for sub in subcommands {
            let help = help_of(bin, *sub);
            assert!(
                help.contains("--help"),
                "{bin}'s help lists no options:\n{help}"
            );
            let bare = options_without_explanation(&help);
            assert!(
                bare.is_empty(),
                "{bin} {sub:?}: options without a word of explanation: {bare:?}\n{help}"
            );
        }
    }
}

#[test]
fn every_program_refuses_an_unknown_option_with_exit_code_2_and_one_error() {
    for bin in PROGRAMS {
        let mut command = program(bin);
        if *bin == "wiretap" {
            command.arg("tcp");
        }
        command.arg("--no-such-option");
        command
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("error: "))
            .stderr(predicate::str::contains("--no-such-option"))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn every_program_with_a_port_refuses_one_that_is_not_a_number() {
    for bin in PROGRAMS
        .iter()
        .filter(|bin| !["wiretap", "echo-bench", "concurrency-bench"].contains(bin))
    {
        program(bin)
            .args(["--port", "http"])
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("error: "))
            .stderr(predicate::str::contains("--port"));
    }
}

/// A server of the test's own that does `talk` with every client, on a thread, until the test
/// ends; returns its address.
fn fake_server(talk: fn(TcpStream)) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a fake server");
    let address = listener.local_addr().expect("its address");
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            std::thread::spawn(move || talk(stream));
        }
    });
    address
}

/// Runs `client` against the server at `address` with `--timeout 1`, and checks how it ends:
/// within the time limit, no panic, and when it fails, one `error:` line saying why.
fn run_client_against(client: &Client, address: SocketAddr, must_fail: bool, what: &str) {
    let port = address.port().to_string();
    let started = std::time::Instant::now();
    let output = program(client.bin)
        .args(["--port", &port, "--timeout", "1"])
        .args(client.args)
        .write_stdin(client.stdin)
        // --timeout 1 bounds the whole exchange (the connection, then each whole reply): the
        // client must have ended well before this.
        .timeout(CLIENT_LIMIT)
        .output()
        .unwrap_or_else(|error| panic!("{} against a server that {what}: {error}", client.bin));
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    let context = format!(
        "{} against a server that {what}: exit {code:?}\nstderr:\n{stderr}\nstdout:\n{}",
        client.bin,
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        code.is_some(),
        "killed after {took:?} (its --timeout is 1 s: does it have an overall deadline?): \
         {context}"
    );
    assert_ne!(code, Some(101), "it panicked: {context}");
    if must_fail && client.waits_for_answer {
        assert_eq!(code, Some(1), "{context}");
    }
    if code != Some(0) {
        let errors = stderr
            .lines()
            .filter(|line| line.starts_with("error: "))
            .count();
        assert_eq!(errors, 1, "exactly one `error:` line expected: {context}");
        // In words: the operating system's "Connection reset by peer (os error 104)" is
        // explained (netlesson::describe).
        assert!(
            !stderr.contains("os error"),
            "the error must be explained in words: {context}"
        );
    }
}

/// How long a client with `--timeout 1` may take against a misbehaving server, at most: the
/// connection and each whole reply within 1 s, and time to spare for a loaded machine.
const CLIENT_LIMIT: Duration = Duration::from_secs(6);

fn every_client_against(talk: fn(TcpStream), must_fail: bool, what: &str) {
    let address = fake_server(talk);
    std::thread::scope(|scope| {
        for client in CLIENTS {
            scope.spawn(move || run_client_against(client, address, must_fail, what));
        }
    });
}

#[test]
fn every_client_traces_its_failed_connect_and_names_its_server_when_nothing_listens() {
    let closed = testkit::probe::ClosedPort::new().expect("a reserved port");
    let port = closed.port().to_string();
    std::thread::scope(|scope| {
        for client in CLIENTS {
            let port = &port;
            scope.spawn(move || {
                let traced =
                    format!("trace: connect(127.0.0.1:{port}) -> error: connection refused");
                let refused = format!(
                    "could not connect to 127.0.0.1:{port}: connection refused (is {} running?)",
                    client.server
                );
                // load-client connects once per client: one trace line each, one error line.
                let traces_then_one_error = predicate::function(|stderr: &str| {
                    let lines: Vec<&str> = stderr.lines().collect();
                    let Some((last, traces)) = lines.split_last() else {
                        return false;
                    };
                    !traces.is_empty()
                        && traces.iter().all(|line| *line == traced)
                        && last.starts_with("error: ")
                        && last.ends_with(&refused)
                });
                program(client.bin)
                    .args(["--port", port, "--trace"])
                    .args(client.args)
                    .write_stdin(client.stdin)
                    .assert()
                    .code(1)
                    .stderr(traces_then_one_error);
            });
        }
    });
}

#[test]
fn every_client_ends_with_one_error_line_when_its_server_never_answers() {
    every_client_against(
        |mut stream| {
            // Read whatever comes, answer nothing, and keep the connection open.
            let mut sink = [0u8; 4096];
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            while matches!(stream.read(&mut sink), Ok(1..)) {}
            std::thread::sleep(Duration::from_secs(10));
        },
        true,
        "never answers",
    );
}

#[test]
fn every_client_ends_with_one_error_line_in_words_when_its_server_resets() {
    // Three times each: whether the reset comes before `connect` returns or at the first read
    // depends on timing (time-client and image-client printed the operating system's text in
    // about 2 runs of 3).
    for _ in 0..3 {
        every_client_against(
            |stream| {
                let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
            },
            true,
            "resets the connection at once",
        );
    }
}

#[test]
fn every_client_ends_within_its_timeout_when_its_server_trickles_a_byte_a_second() {
    // Each byte restarts a read's own timeout: only a deadline for the whole reply ends this
    // (time-client used to wait as long as the server trickled, up to 1024 bytes: 17 minutes).
    every_client_against(
        |mut stream| {
            let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
            for _ in 0..30 {
                if stream.write_all(b"x").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        },
        false,
        "sends one byte a second",
    );
}

#[test]
fn every_client_copes_with_a_server_that_sends_garbage() {
    every_client_against(
        |mut stream| {
            let _ = stream.write_all(&testkit::probe::random_bytes(300));
        },
        false,
        "sends 300 random bytes and closes",
    );
}

#[test]
fn every_client_stops_when_its_server_streams_for_ever() {
    every_client_against(
        |mut stream| {
            let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
            let chunk = [b'x'; 64 * 1024];
            while stream.write_all(&chunk).is_ok() {}
        },
        false,
        "streams bytes for ever",
    );
}
