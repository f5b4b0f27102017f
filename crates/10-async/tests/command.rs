//! `poll-server` and `async-server`: lesson 8's protocol and behaviour towards bad clients,
//! the same tests as lesson 8's servers get, plus what only one thread can show: a thread
//! count of 1 however many clients, and 1000 (and 10,000) connections held at once. The
//! tests both lessons share are `testkit::command::scenarios`, with the test client.

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use testkit::command::{Client, scenarios, threads_of, wait_for_lines};
use testkit::procs::{STEP_TIMEOUT, Server, start_or_panic};

const POLL: &str = env!("CARGO_BIN_EXE_poll-server");
const ASYNC: &str = env!("CARGO_BIN_EXE_async-server");

/// Both servers: every check here holds for each.
const SERVERS: [&str; 2] = [POLL, ASYNC];

fn start(program: &str, extra: &[&str]) -> Server {
    start_or_panic(Path::new(program), extra)
}

mod protocol {
    use super::*;

    #[test]
    fn each_command_gets_its_exact_reply_from_both_servers() {
        for program in SERVERS {
            scenarios::each_command_gets_its_exact_reply(Path::new(program));
        }
    }

    #[test]
    fn requests_in_one_write_or_a_byte_at_a_time_get_their_replies_in_order() {
        for program in SERVERS {
            scenarios::requests_in_one_write_or_a_byte_at_a_time_get_their_replies_in_order(
                Path::new(program),
            );
        }
    }

    #[test]
    fn a_thousand_requests_in_one_write_get_a_thousand_replies_in_order() {
        for program in SERVERS {
            let server = start(program, &[]);
            let mut client = Client::connect(server.address);
            let requests: String = (0..1000).map(|n| format!("REVERSE {n:04}\n")).collect();
            client.send(requests.as_bytes());
            for n in 0..1000 {
                let expected: String = format!("{n:04}").chars().rev().collect();
                assert_eq!(
                    client.reply(),
                    format!("{expected}\n").as_bytes(),
                    "{program}"
                );
            }
        }
    }

    #[test]
    fn a_line_of_1024_bytes_is_answered_and_a_longer_one_gets_err_and_the_close() {
        for program in SERVERS {
            scenarios::a_line_of_1024_bytes_is_answered_and_a_longer_one_gets_err_and_the_close(
                Path::new(program),
            );
        }
    }

    #[test]
    fn endless_data_without_a_newline_is_cut_off_at_the_limit() {
        for program in SERVERS {
            scenarios::endless_data_without_a_newline_is_cut_off_at_the_limit(Path::new(program));
        }
    }

    #[test]
    fn stats_counts_the_clients_and_lines_of_the_whole_server() {
        for program in SERVERS {
            scenarios::stats_counts_the_clients_and_lines_of_the_whole_server(Path::new(program));
        }
    }

    #[test]
    fn a_client_that_goes_quiet_is_dropped_after_the_idle_timeout() {
        for program in SERVERS {
            scenarios::a_client_that_goes_quiet_is_dropped_after_the_idle_timeout(Path::new(
                program,
            ));
        }
    }

    #[test]
    fn a_client_that_sends_but_never_reads_is_dropped_after_the_idle_timeout() {
        // Both servers at once: each check waits for a stall and a timeout, not for the CPU.
        std::thread::scope(|scope| {
            for program in SERVERS {
                scope.spawn(move || a_client_that_never_reads_is_dropped(program));
            }
        });
    }

    /// The check above, on one server.
    fn a_client_that_never_reads_is_dropped(program: &str) {
        let mut server = start(program, &["--idle-timeout", "0.2"]);
        let mut client = Client::connect(server.address);
        // Requests whose replies fill both sides' buffers: megabytes of replies unread.
        let request = format!("UPPER {}\n", "a".repeat(1000));
        let requests = request.repeat(16 * 1024);
        client
            .requests()
            .set_nonblocking(true)
            .expect("non-blocking");
        // Send until the server stops reading (our send buffer stays full for 200 ms).
        let deadline = Instant::now() + STEP_TIMEOUT;
        let (mut sent, mut stalled_since) = (0, None);
        while sent < requests.len() && Instant::now() < deadline {
            match client.requests().write(&requests.as_bytes()[sent..]) {
                Ok(count) => (sent, stalled_since) = (sent + count, None),
                Err(_) => {
                    let since = *stalled_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > Duration::from_millis(200) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        }
        let peer = client.address();
        server.expect_accepted_from(peer).expect("accept line");
        server
            .expect_client_problem(
                peer,
                "could not send a reply: the peer stopped reading: nothing could be sent \
                 for 200 ms (--idle-timeout)",
            )
            .expect("problem line");
    }

    #[test]
    fn a_client_that_closes_in_the_middle_of_a_line_is_reported() {
        for program in SERVERS {
            scenarios::a_client_that_closes_in_the_middle_of_a_line_is_reported(Path::new(program));
        }
    }

    #[test]
    fn a_client_that_resets_is_reported_and_the_next_is_served() {
        for program in SERVERS {
            let mut server = start(program, &[]);
            let client = TcpStream::connect(server.address).expect("connect");
            let peer = client.local_addr().expect("address");
            server.expect_accepted_from(peer).expect("accept line");
            (&client).write_all(b"UPP").expect("send");
            socket2::SockRef::from(&client)
                .set_linger(Some(Duration::ZERO))
                .expect("linger 0");
            drop(client); // a reset, as a crashed client gives
            server
                .expect_client_problem(
                    peer,
                    "could not receive a request: connection reset by the peer",
                )
                .expect("problem line");
            let mut next = Client::connect(server.address);
            assert_eq!(next.ask(b"UPPER next\n"), b"NEXT\n", "{program}");
        }
    }
}

mod many_clients {
    use super::*;

    #[test]
    fn both_servers_answer_200_clients_at_once_each_exactly() {
        for program in SERVERS {
            scenarios::answers_200_clients_at_once_each_exactly(Path::new(program), &[]);
        }
    }

    #[test]
    fn a_thousand_connections_are_held_at_once_on_one_thread() {
        for program in SERVERS {
            let mut server = start(program, &[]);
            let idle: Vec<TcpStream> = (0..1000)
                .map(|_| {
                    TcpStream::connect_timeout(&server.address, STEP_TIMEOUT).expect("connect")
                })
                .collect();
            wait_for_lines(&mut server, "accepted connection from ", 1000);
            let mut client = Client::connect(server.address);
            assert_eq!(
                client.ask(b"STATS\n"),
                b"clients 1001 active 1001 lines 1\n",
                "{program}"
            );
            if let Some(threads) = threads_of(server.id()) {
                assert_eq!(
                    threads, SERVING_AND_LOG_THREADS,
                    "{program} should serve from one thread (and log from a second)"
                );
            }
            drop(idle);
            wait_for_lines(&mut server, "closed connection from ", 1000);
            assert_eq!(
                client.ask(b"STATS\n"),
                b"clients 1001 active 1 lines 2\n",
                "{program}"
            );
        }
    }

    /// 10,000 connections held at once: what a thread per client can barely do (10,001
    /// threads), one thread does with a few KiB each. Skipped where this process may not open
    /// that many files (`ulimit -n`).
    #[test]
    #[ignore = "stress: seconds of load; `cargo test -- --ignored` runs it, as .ci/run does"]
    fn ten_thousand_idle_connections_are_held_and_the_next_client_is_served() {
        const IDLE: usize = 10_000;
        let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(0);
        if limit < IDLE as u64 + 100 {
            eprintln!("ulimit -n allows {limit} open files here: 10,000 connections not tested");
            return;
        }
        let mut server = start(ASYNC, &["--max-clients", "20000"]);
        let idle: Vec<TcpStream> = (0..IDLE)
            .map(|_| TcpStream::connect_timeout(&server.address, STEP_TIMEOUT).expect("connect"))
            .collect();
        wait_for_lines(&mut server, "accepted connection from ", IDLE);
        let mut client = Client::connect(server.address);
        assert_eq!(
            client.ask(b"STATS\n"),
            b"clients 10001 active 10001 lines 1\n"
        );
        if let Some(threads) = threads_of(server.id()) {
            assert_eq!(threads, SERVING_AND_LOG_THREADS);
        }
        drop(idle);
    }
}

/// The threads of a one-thread server: the one that serves every client, and netlesson's log
/// writer, which alone waits when nobody reads the server's stdout.
const SERVING_AND_LOG_THREADS: usize = 2;

mod slow_clients {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::thread;

    use super::*;

    /// One thread serves everyone, yet a trickling client and 20 silent ones delay nobody:
    /// with a 60 s idle timeout, only a server that never waits for one client can answer the
    /// next within the step timeout.
    #[test]
    fn a_trickling_client_and_20_silent_ones_do_not_delay_another() {
        for program in SERVERS {
            let mut server = start(program, &["--idle-timeout", "60"]);
            let silent: Vec<Client> = (0..20).map(|_| Client::connect(server.address)).collect();
            let stop = AtomicBool::new(false);
            let mut trickler = Client::connect(server.address);
            thread::scope(|scope| {
                scope.spawn(|| {
                    // A byte every 20 ms, over and over: it never finishes a line.
                    while !stop.load(Ordering::Relaxed) {
                        trickler.send(b"x");
                        thread::sleep(Duration::from_millis(20));
                    }
                });
                wait_for_lines(&mut server, "accepted connection from ", 21);
                let mut client = Client::connect(server.address);
                let reply = client.ask(b"UPPER hello\n");
                stop.store(true, Ordering::Relaxed);
                assert_eq!(reply, b"HELLO\n", "{program}");
            });
            drop(silent);
        }
    }
}

mod cap {
    use super::*;

    #[test]
    fn clients_past_max_clients_get_err_server_full_and_the_server_recovers_when_one_leaves() {
        for program in SERVERS {
            scenarios::clients_past_max_clients_get_err_server_full_and_the_server_recovers_when_one_leaves(Path::new(program));
        }
    }
}

mod abuse {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;

    use testkit::command::{expected_after_abuse, misbehave};

    use super::*;

    #[test]
    #[ignore = "stress: seconds of load; `cargo test -- --ignored` runs it, as .ci/run does"]
    fn both_servers_survive_3000_connection_attempts_and_lose_no_place() {
        for program in SERVERS {
            let mut server = start(program, &["--idle-timeout", "1"]);
            let address = server.address;
            let next = AtomicUsize::new(0);
            thread::scope(|scope| {
                for _ in 0..20 {
                    scope.spawn(|| {
                        loop {
                            let attempt = next.fetch_add(1, Ordering::Relaxed);
                            if attempt >= 3000 {
                                return;
                            }
                            misbehave(address, attempt);
                        }
                    });
                }
            });
            assert!(server.exit_status().is_none(), "{program} should still run");
            // Every attempt is seen off in the end, at most --idle-timeout after its last
            // byte: no place in `active` is lost.
            let deadline = Instant::now() + STEP_TIMEOUT;
            let mut client = Client::connect(address);
            loop {
                let stats = String::from_utf8(client.ask(b"STATS\n")).expect("text");
                if stats.contains(" active 1 ") {
                    break;
                }
                assert!(Instant::now() < deadline, "{program} still has {stats}");
                thread::sleep(Duration::from_millis(50));
            }
            server.read_available();
            let unexpected: Vec<&String> = server
                .seen()
                .iter()
                .filter(|line| !expected_after_abuse(line, &[]))
                .collect();
            assert!(unexpected.is_empty(), "{program}: {unexpected:#?}");
        }
    }
}

mod help {
    use testkit::procs::expect_help_mentions;

    use super::*;

    #[test]
    fn both_servers_explain_their_options() {
        let options = [
            "--port",
            "--host",
            "--idle-timeout",
            "--max-clients",
            "--trace",
        ];
        for program in SERVERS {
            expect_help_mentions(Path::new(program), &[], &options).expect("the help");
        }
    }
}
