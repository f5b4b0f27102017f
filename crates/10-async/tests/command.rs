//! `poll-server` and `async-server`: lesson 8's protocol and behaviour towards bad clients,
//! the same tests as lesson 8's servers get, plus what only one thread can show: a thread
//! count of 1 however many clients, and 1000 (and 10,000) connections held at once.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use testkit::procs::{STEP_TIMEOUT, Server};

const POLL: &str = env!("CARGO_BIN_EXE_poll-server");
const ASYNC: &str = env!("CARGO_BIN_EXE_async-server");

/// Both servers: every check here holds for each.
const SERVERS: [&str; 2] = [POLL, ASYNC];

fn start(program: &str, extra: &[&str]) -> Server {
    Server::start_on_port_0(Path::new(program), extra)
        .unwrap_or_else(|error| panic!("{program} should print its ready line: {error:#}"))
}

/// A client driven by the test: sends request lines, reads reply lines, byte for byte.
struct Client {
    replies: BufReader<TcpStream>,
    requests: TcpStream,
}

impl Client {
    fn connect(address: SocketAddr) -> Client {
        let stream = TcpStream::connect_timeout(&address, STEP_TIMEOUT).expect("connect");
        stream
            .set_read_timeout(Some(STEP_TIMEOUT))
            .expect("timeout");
        stream
            .set_write_timeout(Some(STEP_TIMEOUT))
            .expect("timeout");
        let requests = stream.try_clone().expect("a second handle");
        Client {
            replies: BufReader::new(stream),
            requests,
        }
    }

    fn address(&self) -> SocketAddr {
        self.requests.local_addr().expect("local address")
    }

    fn send(&mut self, bytes: &[u8]) {
        self.requests.write_all(bytes).expect("send");
    }

    /// The next reply line, with its `\n`, exactly as it arrived (empty at the end of stream).
    fn reply(&mut self) -> Vec<u8> {
        let mut line = Vec::new();
        self.replies
            .read_until(b'\n', &mut line)
            .expect("a reply line within the step timeout");
        line
    }

    fn ask(&mut self, request: &[u8]) -> Vec<u8> {
        self.send(request);
        self.reply()
    }

    fn expect_closed(&mut self) {
        assert_eq!(
            self.reply(),
            b"",
            "the server should have closed the connection"
        );
    }
}

/// Reads the server's lines until `count` of them start with `prefix`; returns every line read.
fn wait_for_lines(server: &mut Server, prefix: &str, count: usize) -> Vec<String> {
    let mut seen = 0;
    let mut lines = Vec::new();
    while seen < count {
        let line = server.next_line().expect("the server's next line");
        seen += usize::from(line.starts_with(prefix));
        lines.push(line);
    }
    lines
}

mod protocol {
    use super::*;

    #[test]
    fn each_command_gets_its_exact_reply_from_both_servers() {
        for program in SERVERS {
            let mut server = start(program, &[]);
            let mut client = Client::connect(server.address);
            let cases: [(&[u8], &[u8]); 11] = [
                (b"UPPER hello, world\n", b"HELLO, WORLD\n"),
                ("UPPER straße\n".as_bytes(), b"STRASSE\n"),
                (b"REVERSE hello\n", b"olleh\n"),
                ("REVERSE héllo ✓\n".as_bytes(), "✓ olléh\n".as_bytes()),
                (b"UPPER\n", b"\n"),
                (b"UPPER two  spaces\r\n", b"TWO  SPACES\n"),
                (b"upper hello\n", b"ERR unknown command\n"),
                (b"HELLO\n", b"ERR unknown command\n"),
                (b"\n", b"ERR unknown command\n"),
                (b"QUIT now\n", b"ERR unknown command\n"),
                (b"\xff\xfe\n", b"ERR not UTF-8\n"),
            ];
            for (request, reply) in cases {
                assert_eq!(
                    client.ask(request),
                    reply,
                    "{program}: the reply to {:?}",
                    String::from_utf8_lossy(request)
                );
            }
            assert_eq!(client.ask(b"QUIT\n"), b"BYE\n");
            client.expect_closed();
            let peer = client.address();
            server.expect_accepted_from(peer).expect("accept line");
            server.expect_closed(peer).expect("closed line");
        }
    }

    #[test]
    fn requests_in_one_write_or_a_byte_at_a_time_get_their_replies_in_order() {
        for program in SERVERS {
            let server = start(program, &[]);
            let mut client = Client::connect(server.address);
            client.send(b"UPPER a\nREVERSE ab\nUPPER c\n");
            for reply in [&b"A\n"[..], b"ba\n", b"C\n"] {
                assert_eq!(client.reply(), reply, "{program}");
            }
            for byte in b"REVERSE slow\n" {
                client.send(&[*byte]);
            }
            assert_eq!(client.reply(), b"wols\n", "{program}");
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
            let mut server = start(program, &[]);
            let mut client = Client::connect(server.address);
            let longest = format!("UPPER {}\r\n", "a".repeat(1018));
            let reply = client.ask(longest.as_bytes());
            assert_eq!(reply, format!("{}\n", "A".repeat(1018)).as_bytes());

            let too_long = format!("UPPER {}\n", "a".repeat(1019));
            assert_eq!(client.ask(too_long.as_bytes()), b"ERR line too long\n");
            client.expect_closed();
            let peer = client.address();
            server.expect_accepted_from(peer).expect("accept line");
            server
                .expect_client_problem(peer, "sent a line over 1024 bytes")
                .expect("problem line");
        }
    }

    #[test]
    fn endless_data_without_a_newline_is_cut_off_at_the_limit() {
        for program in SERVERS {
            let mut server = start(program, &[]);
            let mut client = Client::connect(server.address);
            let _ = client.requests.write_all(&[b'x'; 4096]);
            assert_eq!(client.reply(), b"ERR line too long\n", "{program}");
            let peer = client.address();
            server.expect_accepted_from(peer).expect("accept line");
            server
                .expect_client_problem(peer, "sent a line over 1024 bytes")
                .expect("problem line");
        }
    }

    #[test]
    fn stats_counts_the_clients_and_lines_of_the_whole_server() {
        for program in SERVERS {
            let mut server = start(program, &[]);
            let mut first = Client::connect(server.address);
            assert_eq!(first.ask(b"STATS\n"), b"clients 1 active 1 lines 1\n");
            assert_eq!(first.ask(b"UPPER a\n"), b"A\n");
            let mut second = Client::connect(server.address);
            assert_eq!(
                second.ask(b"STATS\n"),
                b"clients 2 active 2 lines 3\n",
                "{program}"
            );
            assert_eq!(first.ask(b"QUIT\n"), b"BYE\n");
            let peer = first.address();
            wait_for_lines(&mut server, &format!("closed connection from {peer}"), 1);
            assert_eq!(
                second.ask(b"STATS\n"),
                b"clients 2 active 1 lines 5\n",
                "{program}"
            );
        }
    }

    #[test]
    fn a_client_that_goes_quiet_is_dropped_after_the_idle_timeout() {
        for program in SERVERS {
            let mut server = start(program, &["--idle-timeout", "0.2"]);
            let mut client = Client::connect(server.address);
            client.send(b"UPPER half a li");
            client.expect_closed();
            let peer = client.address();
            server.expect_accepted_from(peer).expect("accept line");
            server
                .expect_client_problem(
                    peer,
                    "could not receive a request: nothing arrived for 200 ms (--idle-timeout)",
                )
                .expect("problem line");
        }
    }

    #[test]
    fn a_client_that_sends_but_never_reads_is_dropped_after_the_idle_timeout() {
        for program in SERVERS {
            let mut server = start(program, &["--idle-timeout", "0.5"]);
            let mut client = Client::connect(server.address);
            // Requests whose replies fill both sides' buffers: megabytes of replies unread.
            let request = format!("UPPER {}\n", "a".repeat(1000));
            let requests = request.repeat(16 * 1024);
            client.requests.set_nonblocking(true).expect("non-blocking");
            // Send until the server stops reading (our send buffer stays full for 200 ms).
            let deadline = Instant::now() + STEP_TIMEOUT;
            let (mut sent, mut stalled_since) = (0, None);
            while sent < requests.len() && Instant::now() < deadline {
                match client.requests.write(&requests.as_bytes()[sent..]) {
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
                     for 500 ms (--idle-timeout)",
                )
                .expect("problem line");
        }
    }

    #[test]
    fn a_client_that_closes_in_the_middle_of_a_line_is_reported() {
        for program in SERVERS {
            let mut server = start(program, &[]);
            let mut client = Client::connect(server.address);
            assert_eq!(client.ask(b"UPPER ok\n"), b"OK\n");
            client.send(b"UPPER");
            let peer = client.address();
            drop(client);
            server.expect_accepted_from(peer).expect("accept line");
            server
                .expect_client_problem(
                    peer,
                    "could not receive a request: the connection closed before the \"\\n\" that \
                     ends a message (5 bytes without it)",
                )
                .expect("problem line");
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
    use std::sync::Barrier;
    use std::thread;

    use super::*;

    /// `count` clients connect, wait until all are connected, then each sends five requests
    /// of its own, checks each reply exactly, and says QUIT.
    fn clients_at_once(address: SocketAddr, count: usize) {
        let start_line = Barrier::new(count);
        thread::scope(|scope| {
            for number in 0..count {
                let start_line = &start_line;
                scope.spawn(move || {
                    let mut client = Client::connect(address);
                    start_line.wait();
                    for request in 0..5 {
                        let text = format!("client {number} says {request}");
                        let reply = client.ask(format!("REVERSE {text}\n").as_bytes());
                        let expected: String = text.chars().rev().collect();
                        assert_eq!(reply, format!("{expected}\n").as_bytes());
                    }
                    assert_eq!(client.ask(b"QUIT\n"), b"BYE\n");
                    client.expect_closed();
                });
            }
        });
    }

    #[test]
    fn both_servers_answer_200_clients_at_once_each_exactly() {
        for program in SERVERS {
            let mut server = start(program, &[]);
            clients_at_once(server.address, 200);
            let lines = wait_for_lines(&mut server, "closed connection from ", 200);
            let accepted = lines
                .iter()
                .filter(|line| line.starts_with("accepted connection from "))
                .count();
            assert_eq!(accepted, 200, "{}", lines.join("\n"));
            assert_eq!(lines.len(), 400, "only accept and close lines expected");
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

/// The number of threads of process `pid`, from `/proc/<pid>/status` (Linux only).
fn threads_of(pid: u32) -> Option<usize> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("Threads:"))?;
    line["Threads:".len()..].trim().parse().ok()
}

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
            let mut server = start(program, &["--max-clients", "3"]);
            let mut clients: Vec<Client> = (1..=3)
                .map(|number| {
                    let mut client = Client::connect(server.address);
                    let stats = client.ask(b"STATS\n");
                    let expected = format!("clients {number} active {number} lines {number}\n");
                    assert_eq!(stats, expected.as_bytes());
                    client
                })
                .collect();
            wait_for_lines(&mut server, "accepted connection from ", 3);

            let mut refused = Client::connect(server.address);
            assert_eq!(refused.reply(), b"ERR server full\n");
            refused.expect_closed();
            server
                .expect_client_problem(
                    refused.address(),
                    "3 clients are connected already (--max-clients): sent ERR server full, closed",
                )
                .expect("the refusal, in one line");

            let mut leaving = clients.remove(0);
            assert_eq!(leaving.ask(b"QUIT\n"), b"BYE\n");
            let peer = leaving.address();
            wait_for_lines(&mut server, &format!("closed connection from {peer}"), 1);
            let mut next = Client::connect(server.address);
            assert_eq!(
                next.ask(b"STATS\n"),
                b"clients 4 active 3 lines 5\n",
                "{program}"
            );
        }
    }
}

mod abuse {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;

    use super::*;

    /// One connection attempt that misbehaves in one of five ways, chosen by `attempt`.
    fn misbehave(address: SocketAddr, attempt: usize) {
        let Ok(mut stream) = TcpStream::connect_timeout(&address, STEP_TIMEOUT) else {
            return;
        };
        let _ = match attempt % 5 {
            0 => Ok(()),
            1 => stream.write_all(b"\xff\xfe\x00garbage"),
            2 => stream.write_all(b"UPPER half a line"),
            3 => stream.write_all(&[b'x'; 3000]),
            _ => stream.write_all(b"STATS\nQUIT\n"),
        };
        if attempt.is_multiple_of(2) {
            let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
        }
    }

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
                .filter(|line| !expected_after_abuse(line))
                .collect();
            assert!(unexpected.is_empty(), "{program}: {unexpected:#?}");
        }
    }

    fn expected_after_abuse(line: &str) -> bool {
        let problems = [
            "could not receive a request: connection reset by the peer",
            "could not receive a request: the connection closed before the \"\\n\" that ends a message",
            "could not send a reply: connection reset by the peer",
            "could not send a reply: the peer has closed the connection (broken pipe)",
            "sent a line over 1024 bytes",
        ];
        line.starts_with("listening on ")
            || line.starts_with("accepted connection from ")
            || line.starts_with("closed connection from ")
            || (line.starts_with("client ")
                && problems.iter().any(|problem| line.contains(problem)))
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
