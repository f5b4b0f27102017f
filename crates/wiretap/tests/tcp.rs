//! Black-box tests of `wiretap tcp` over real sockets on 127.0.0.1: exact forwarding both ways,
//! the disturbances (`--chunk`, `--delay-ms`, `--coalesce-ms`), half-close, resets, many
//! connections at once, idle connections and the cap on connections, a server that is not
//! there, and a log nobody reads any more.
//!
//! The servers behind wiretap are small threads on a `TcpListener` bound to port 0; the clients
//! are `testkit::probe::Conn`s and lesson 1's `simple-client`. Every wait has a time limit.

use crate::common;

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use common::{WIRETAP, expect_events, next_event, untimed};
use testkit::client::Conn;
use testkit::probe::{self, random_bytes};
use testkit::procs::{self, STEP_TIMEOUT, Server};

/// Starts `wiretap tcp --listen 127.0.0.1:0 --to <to> <extra>` and reads its two first lines.
fn start_wiretap(to: SocketAddr, extra: &[&str]) -> Server {
    common::start_wiretap("tcp", to, extra)
}

/// Reads the `#N open: ...` line of a new connection and returns N.
fn expect_open(wiretap: &mut Server, client: SocketAddr, server: SocketAddr) -> u64 {
    let line = wiretap.next_line().expect("an open line");
    let (number, rest) = line
        .strip_prefix('#')
        .and_then(|line| line.split_once(' '))
        .unwrap_or_else(|| panic!("not an open line: {line}"));
    let prefix = format!("open: client {client}, server {server} (wiretap's side 127.0.0.1:");
    assert!(rest.starts_with(&prefix), "{line}");
    number.parse().expect("a connection number")
}

/// A server on a thread that runs `handle` for each connection (on a thread of its own).
fn serve(handle: impl Fn(TcpStream) + Send + Sync + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a test server");
    let address = listener.local_addr().expect("its address");
    let handle = std::sync::Arc::new(handle);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(STEP_TIMEOUT));
            let _ = stream.set_write_timeout(Some(STEP_TIMEOUT));
            let handle = handle.clone();
            thread::spawn(move || handle(stream));
        }
    });
    address
}

/// An echo server: sends every byte back until the client finishes, then closes.
fn echo_server() -> SocketAddr {
    serve(|mut stream| {
        let mut buffer = [0u8; 4096];
        while let Ok(count @ 1..) = stream.read(&mut buffer) {
            if stream.write_all(&buffer[..count]).is_err() {
                return;
            }
        }
    })
}

/// A server that reports what each of its `read`s returned, in order, ending with the error
/// or end of stream that stopped it.
fn recording_server() -> (SocketAddr, Receiver<io::Result<Vec<u8>>>) {
    let (reads, received) = mpsc::channel();
    let address = serve(move |mut stream| {
        let mut buffer = [0u8; 4096];
        loop {
            let read = stream
                .read(&mut buffer)
                .map(|count| buffer[..count].to_vec());
            let done = !matches!(&read, Ok(data) if !data.is_empty());
            let _ = reads.send(read);
            if done {
                return;
            }
        }
    });
    (address, received)
}

fn next_read(reads: &Receiver<io::Result<Vec<u8>>>) -> io::Result<Vec<u8>> {
    reads.recv_timeout(STEP_TIMEOUT).expect("the server reads")
}

#[test]
fn forwards_exact_bytes_both_ways_and_logs_each_piece_open_end_and_close() {
    let server = echo_server();
    let mut wiretap = start_wiretap(server, &[]);
    let mut client = Conn::connect(wiretap.address).expect("connect");
    let client_address = client.local_addr().expect("address");
    assert_eq!(expect_open(&mut wiretap, client_address, server), 1);

    client.send(b"Hello\n").expect("send");
    assert_eq!(client.receive(6).expect("echo"), b"Hello\n");
    client.send(&[0xff, 0x00, 0x80]).expect("send binary");
    assert_eq!(client.receive(3).expect("echo"), [0xff, 0x00, 0x80]);
    client.half_close().expect("half-close");
    assert_eq!(client.read_to_close(usize::MAX).expect("end"), b"");

    let expected = [
        r#"#1 client->server +T 6 bytes "Hello\n""#,
        r#"#1 server->client +T 6 bytes "Hello\n""#,
        "#1 client->server +T 3 bytes ff 00 80",
        "#1 server->client +T 3 bytes ff 00 80",
        "#1 client->server +T end (shutdown passed on to the server)",
        "#1 server->client +T end (shutdown passed on to the client)",
        "#1 closed +T (client sent 9 bytes, server sent 9 bytes)",
    ];
    expect_events(&mut wiretap, &expected);
}

#[test]
fn chunk_1_carries_20_kb_of_random_bytes_exactly_in_1_byte_pieces_both_ways() {
    const SIZE: usize = 20_000;
    let server = echo_server();
    let mut wiretap = start_wiretap(server, &["--chunk", "1"]);
    let started = Instant::now();
    let mut client = Conn::connect(wiretap.address).expect("connect");
    let data = random_bytes(SIZE);
    let mut sender = client.stream().try_clone().expect("a second handle");
    let to_send = data.clone();
    let writer = thread::spawn(move || {
        sender.write_all(&to_send).expect("send 20 kB");
        sender.shutdown(Shutdown::Write).expect("half-close");
    });
    let echoed = client
        .read_to_close(usize::MAX)
        .expect("the echo, to the end");
    writer.join().expect("the writer finishes");
    assert!(echoed == data, "the 20 kB came back different");

    let mut pieces = [0usize; 2];
    let mut ends = 0;
    let lines = wiretap
        .wait_for(|line| line.starts_with("#1 closed"))
        .expect("the connection closes");
    for line in &lines[1..lines.len() - 1] {
        let event = untimed(line);
        if event.ends_with(" end (shutdown passed on to the server)")
            || event.ends_with(" end (shutdown passed on to the client)")
        {
            ends += 1;
            continue;
        }
        let direction = match event.split(' ').nth(1) {
            Some("client->server") => 0,
            Some("server->client") => 1,
            _ => panic!("unexpected line {line}"),
        };
        assert!(event.contains(" +T 1 byte "), "not a 1-byte piece: {line}");
        pieces[direction] += 1;
    }
    assert_eq!(pieces, [SIZE, SIZE]);
    assert_eq!(ends, 2);
    assert_eq!(
        untimed(&lines[lines.len() - 1]),
        "#1 closed +T (client sent 20000 bytes, server sent 20000 bytes)"
    );
    eprintln!("20 kB each way in 1-byte pieces: {:?}", started.elapsed());
}

#[test]
fn simple_client_through_chunk_1_gets_the_first_piece_that_simple_server_read() {
    // Lesson 1's server answers whatever its one read returns. Through --chunk 1 that is the
    // first byte (or a few, if they pile up before the server reads): TCP is a stream.
    testkit::bins::build(&["lesson-simple"]).expect("lesson 1 builds");
    let simple_server = testkit::bins::path("simple-server").expect("simple-server was built");
    let mut server = Server::start(&simple_server, &["--port", "0"]).expect("simple-server starts");
    let mut wiretap = start_wiretap(server.address, &["--chunk", "1", "--delay-ms", "20"]);
    let client = testkit::bins::path("simple-client").expect("simple-client was built");
    let port = wiretap.port_arg();
    let output = procs::Output::from(procs::one_shot(&client, &["--port", &port], b""));
    assert_eq!(output.code(), 0, "{output:?}");
    assert!(
        output
            .stdout
            .ends_with("Sent \"Hello Server!\"\nReceived \"H\"\n"),
        "{}",
        output.stdout
    );
    server
        .wait_for(|line| line.starts_with("Received \"H\" from 127.0.0.1:"))
        .expect("the server received the first byte alone");
    let first = wiretap.wait_for(|line| line.contains("client->server"));
    assert_eq!(
        untimed(first.expect("a piece").last().expect("a line")),
        r#"#1 client->server +T 1 byte "H""#
    );
}

#[test]
fn chunk_with_delay_makes_each_piece_arrive_in_its_own_read() {
    let (server, reads) = recording_server();
    let mut wiretap = start_wiretap(server, &["--chunk", "2", "--delay-ms", "50"]);
    let started = Instant::now();
    let mut client = Conn::connect(wiretap.address).expect("connect");
    client.send(b"Hello").expect("send");
    client.half_close().expect("half-close");
    // Each read is whole pieces: "He", "ll", "o". (A server thread that was not scheduled
    // for 50 ms, on a loaded machine, reads two pieces at once, "Hell": still no piece cut.)
    let mut pieces = Vec::new();
    loop {
        let read = next_read(&reads).expect("a read");
        if read.is_empty() {
            break;
        }
        pieces.push(read);
    }
    assert_eq!(pieces.concat(), b"Hello");
    let mut at = 0;
    for piece in &pieces {
        at += piece.len();
        assert!(
            at % 2 == 0 || at == 5,
            "a read ended inside a piece: {pieces:?}"
        );
    }
    assert!(started.elapsed() >= Duration::from_millis(150));
    wiretap.next_line().expect("open");
    for piece in [r#"2 bytes "He""#, r#"2 bytes "ll""#, r#"1 byte "o""#] {
        assert_eq!(
            next_event(&mut wiretap),
            format!("#1 client->server +T {piece}")
        );
    }
}

#[test]
fn coalesce_merges_writes_made_apart_into_one_read() {
    let (server, reads) = recording_server();
    // A window far longer than the test: the client's half-close ends it, not the clock, so
    // the two writes fall in it however slow the machine is.
    let mut wiretap = start_wiretap(server, &["--coalesce", "10"]);
    let mut client = Conn::connect(wiretap.address).expect("connect");
    client.send(b"Hel").expect("first write");
    // Not waiting for readiness: the gap between the writes is what is being tested.
    thread::sleep(Duration::from_millis(50));
    client.send(b"lo").expect("second write");
    client.half_close().expect("half-close");
    assert_eq!(next_read(&reads).expect("one read"), b"Hello");
    assert_eq!(next_read(&reads).expect("end"), b"");
    wiretap.next_line().expect("open");
    assert_eq!(
        next_event(&mut wiretap),
        r#"#1 client->server +T 5 bytes "Hello""#
    );
}

#[test]
fn without_coalesce_writes_made_apart_arrive_apart() {
    // The control for the test above: the same writes, forwarded as they come.
    let (server, reads) = recording_server();
    let wiretap = start_wiretap(server, &[]);
    let mut client = Conn::connect(wiretap.address).expect("connect");
    client.send(b"Hel").expect("first write");
    assert_eq!(next_read(&reads).expect("read 1"), b"Hel");
    client.send(b"lo").expect("second write");
    assert_eq!(next_read(&reads).expect("read 2"), b"lo");
}

#[test]
fn half_close_by_the_client_reaches_the_server_and_the_answer_still_flows_back() {
    // This server reads to the end, then answers and closes: it needs the client's half-close.
    let server = serve(|mut stream| {
        let mut request = Vec::new();
        if stream.read_to_end(&mut request).is_ok() {
            let _ = stream.write_all(format!("got {} bytes", request.len()).as_bytes());
        }
    });
    let mut wiretap = start_wiretap(server, &[]);
    let mut client = Conn::connect(wiretap.address).expect("connect");
    client.send(b"abc").expect("send");
    client.half_close().expect("half-close");
    assert_eq!(
        client.read_to_close(usize::MAX).expect("answer"),
        b"got 3 bytes"
    );
    wiretap.next_line().expect("open");
    let expected = [
        r#"#1 client->server +T 3 bytes "abc""#,
        "#1 client->server +T end (shutdown passed on to the server)",
        r#"#1 server->client +T 11 bytes "got 3 bytes""#,
        "#1 server->client +T end (shutdown passed on to the client)",
        "#1 closed +T (client sent 3 bytes, server sent 11 bytes)",
    ];
    expect_events(&mut wiretap, &expected);
}

#[test]
fn half_close_by_the_server_reaches_the_client_which_can_still_send() {
    let (said, heard) = mpsc::channel();
    let server = serve(move |mut stream| {
        let _ = stream.write_all(b"bye");
        let _ = stream.shutdown(Shutdown::Write);
        let mut rest = Vec::new();
        let _ = said.send(stream.read_to_end(&mut rest).map(|_| rest));
    });
    let mut wiretap = start_wiretap(server, &[]);
    let mut client = Conn::connect(wiretap.address).expect("connect");
    assert_eq!(
        client.read_to_close(usize::MAX).expect("bye, then end"),
        b"bye"
    );
    client
        .send(b"ok")
        .expect("send after the server's half-close");
    client.half_close().expect("half-close");
    let rest = heard.recv_timeout(STEP_TIMEOUT).expect("the server reads");
    assert_eq!(rest.expect("no error"), b"ok");
    wiretap.next_line().expect("open");
    let expected = [
        r#"#1 server->client +T 3 bytes "bye""#,
        "#1 server->client +T end (shutdown passed on to the client)",
        r#"#1 client->server +T 2 bytes "ok""#,
        "#1 client->server +T end (shutdown passed on to the server)",
        "#1 closed +T (client sent 2 bytes, server sent 3 bytes)",
    ];
    expect_events(&mut wiretap, &expected);
}

#[test]
fn a_client_that_resets_mid_message_makes_wiretap_reset_the_server() {
    let (server, reads) = recording_server();
    let mut wiretap = start_wiretap(server, &[]);
    let mut client = Conn::connect(wiretap.address).expect("connect");
    client.send(b"Hel").expect("half a message");
    assert_eq!(next_read(&reads).expect("read"), b"Hel");
    client.reset().expect("reset");
    let error = next_read(&reads).expect_err("the server's connection is reset");
    assert_eq!(error.kind(), io::ErrorKind::ConnectionReset, "{error}");
    wiretap.next_line().expect("open");
    assert_eq!(
        next_event(&mut wiretap),
        r#"#1 client->server +T 3 bytes "Hel""#
    );
    assert_eq!(
        next_event(&mut wiretap),
        "#1 client->server +T reset by the client; resetting the server's connection"
    );
    assert_eq!(
        next_event(&mut wiretap),
        "#1 closed +T (client sent 3 bytes, server sent 0 bytes)"
    );
    assert_still_forwards(&mut wiretap, server);
}

#[test]
fn a_server_that_resets_makes_wiretap_reset_the_client() {
    let server = serve(|mut stream| {
        let mut buffer = [0u8; 16];
        let _ = stream.read(&mut buffer);
        let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    });
    let mut wiretap = start_wiretap(server, &[]);
    let mut client = Conn::connect(wiretap.address).expect("connect");
    client.send(b"x").expect("send");
    let mut buffer = [0u8; 16];
    let error = client
        .stream()
        .read(&mut buffer)
        .expect_err("the client's connection is reset");
    assert_eq!(error.kind(), io::ErrorKind::ConnectionReset, "{error}");
    wiretap.next_line().expect("open");
    assert_eq!(
        next_event(&mut wiretap),
        r#"#1 client->server +T 1 byte "x""#
    );
    assert_eq!(
        next_event(&mut wiretap),
        "#1 server->client +T reset by the server; resetting the client's connection"
    );
    assert_eq!(
        next_event(&mut wiretap),
        "#1 closed +T (client sent 1 byte, server sent 0 bytes)"
    );
}

/// Checks that `wiretap` still forwards a new connection to `server` (an echo or recording
/// server: only the client->server piece is checked).
fn assert_still_forwards(wiretap: &mut Server, server: SocketAddr) {
    let mut client = Conn::connect(wiretap.address).expect("connect again");
    client.send(b"next").expect("send");
    let address = client.local_addr().expect("address");
    let number = expect_open(wiretap, address, server);
    assert_eq!(
        next_event(wiretap),
        format!(r#"#{number} client->server +T 4 bytes "next""#)
    );
}

#[test]
fn many_connections_at_once_each_get_their_own_bytes_back() {
    const CLIENTS: usize = 20;
    let server = echo_server();
    let mut wiretap = start_wiretap(server, &[]);
    // All connected before any of them sends: a proxy serving one connection at a time would
    // never answer the later ones.
    let mut clients: Vec<Conn> = (0..CLIENTS)
        .map(|_| Conn::connect(wiretap.address).expect("connect"))
        .collect();
    for (index, client) in clients.iter_mut().enumerate().rev() {
        let message = format!("client {index} says hi");
        client.send(message.as_bytes()).expect("send");
        assert_eq!(
            client.receive(message.len()).expect("echo"),
            message.as_bytes()
        );
    }
    drop(clients);
    let lines = wiretap
        .wait_for(|line| line.contains(" closed ") && line.contains("client sent"))
        .expect("lines");
    let mut opened: Vec<u64> = lines
        .iter()
        .filter(|line| line.contains(" open: "))
        .map(|line| {
            line[1..line.find(' ').unwrap_or(1)]
                .parse()
                .expect("number")
        })
        .collect();
    opened.sort_unstable();
    assert_eq!(opened, (1..=CLIENTS as u64).collect::<Vec<_>>());
}

#[test]
fn a_server_that_is_not_there_gets_one_line_and_a_reset_and_wiretap_keeps_serving() {
    let closed = probe::ClosedPort::new().expect("a port where nothing listens");
    let to: SocketAddr = format!("127.0.0.1:{}", closed.port())
        .parse()
        .expect("address");
    let mut wiretap = start_wiretap(to, &[]);
    for number in 1..=2 {
        // A reset that comes right after wiretap accepted may arrive before `connect` returns
        // (then connect fails with it), or after (then the first read does).
        let outcome =
            TcpStream::connect_timeout(&wiretap.address, STEP_TIMEOUT).and_then(|mut client| {
                client.set_read_timeout(Some(STEP_TIMEOUT))?;
                client.read(&mut [0u8; 16])
            });
        let error = outcome.expect_err("the connection is reset");
        assert_eq!(error.kind(), io::ErrorKind::ConnectionReset, "{error}");
        let line = wiretap.next_line().expect("one line");
        let expected = format!(
            "#{number} failed: could not connect to {to}: connection refused \
             (is the server running?); resetting client 127.0.0.1:"
        );
        assert!(line.starts_with(&expected), "{line}");
    }
}

#[test]
fn once_forwards_one_connection_and_exits_when_it_closes() {
    let server = echo_server();
    let mut wiretap = start_wiretap(server, &["--once"]);
    let mut client = Conn::connect(wiretap.address).expect("connect");
    client.send(b"one").expect("send");
    assert_eq!(client.receive(3).expect("echo"), b"one");
    drop(client);
    let finished = wiretap.finish().expect("wiretap exits");
    assert!(finished.status.success(), "{:?}", finished.status);
    assert_eq!(
        untimed(finished.rest.last().expect("lines")),
        "#1 closed +T (client sent 3 bytes, server sent 3 bytes)"
    );
}

#[test]
fn hex_shows_each_piece_as_a_hexdump() {
    let server = echo_server();
    let mut wiretap = start_wiretap(server, &["--hex"]);
    let mut client = Conn::connect(wiretap.address).expect("connect");
    client.send(b"Hello, wiretap!\x00\x01").expect("send");
    assert_eq!(client.receive(17).expect("echo").len(), 17);
    wiretap.next_line().expect("open");
    assert_eq!(next_event(&mut wiretap), "#1 client->server +T 17 bytes");
    assert_eq!(
        wiretap.next_line().expect("dump row 1"),
        "    0000  48 65 6c 6c 6f 2c 20 77  69 72 65 74 61 70 21 00  |Hello, wiretap!.|"
    );
    assert_eq!(
        wiretap.next_line().expect("dump row 2"),
        "    0010  01                                                |.|"
    );
}

#[test]
fn works_over_ipv6_loopback() {
    let listener = match TcpListener::bind("[::1]:0") {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("skipping works_over_ipv6_loopback: no IPv6 loopback here ({error})");
            return;
        }
    };
    let server = listener.local_addr().expect("address");
    thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buffer = [0u8; 16];
            let count = stream.read(&mut buffer).unwrap_or(0);
            let _ = stream.write_all(&buffer[..count]);
        }
    });
    let to = server.to_string();
    let wiretap = Server::start(
        Path::new(WIRETAP),
        &["tcp", "--listen", "[::1]:0", "--to", &to],
    )
    .expect("wiretap on ::1");
    assert!(wiretap.address.is_ipv6(), "{}", wiretap.address);
    let mut client = Conn::connect(wiretap.address).expect("connect");
    client.send(b"v6").expect("send");
    assert_eq!(client.read_to_close(usize::MAX).expect("echo"), b"v6");
}

#[test]
fn the_forwarding_line_repeats_the_disturbances() {
    let server = echo_server();
    let mut wiretap = Server::start(
        Path::new(WIRETAP),
        &[
            "tcp",
            "--listen",
            "127.0.0.1:0",
            "--to",
            &server.to_string(),
            "--chunk",
            "3",
            "--delay-ms",
            "5",
            "--coalesce-ms",
            "10",
        ],
    )
    .expect("wiretap starts");
    assert_eq!(
        wiretap.next_line().expect("second line"),
        format!("forwarding TCP to {server} with --chunk 3 --delay-ms 5 --coalesce-ms 10")
    );
}

#[test]
fn durations_in_seconds_and_in_milliseconds_are_the_same_and_shown_as_typed() {
    let server = echo_server();
    let forwarding = |extra: &[&str]| {
        let wiretap = start_wiretap(server, extra);
        wiretap.seen()[1].clone()
    };
    assert_eq!(
        forwarding(&["--delay", "0.005", "--coalesce", "10ms"]),
        format!("forwarding TCP to {server} with --delay 5ms --coalesce 10ms")
    );
    assert_eq!(
        forwarding(&["--delay-ms", "5", "--coalesce-ms", "10"]),
        format!("forwarding TCP to {server} with --delay-ms 5 --coalesce-ms 10")
    );
    let to = server.to_string();
    let both = ["tcp", "--listen", "127.0.0.1:0", "--to", &to];
    let output = procs::Output::from(procs::one_shot(
        Path::new(WIRETAP),
        &[&both[..], &["--delay", "1", "--delay-ms", "5"]].concat(),
        b"",
    ));
    assert_eq!(output.code(), 2);
    assert!(
        output
            .stderr
            .contains("the argument '--delay <SECONDS>' cannot be used with '--delay-ms <N>'"),
        "{}",
        output.stderr
    );
}

/// A server that accepts every connection and never sends anything; it keeps each connection
/// until the other side closes it.
fn silent_server() -> SocketAddr {
    serve(|mut stream| {
        let _ = stream.read_to_end(&mut Vec::new());
    })
}

#[test]
fn a_connection_idle_for_idle_timeout_is_closed_and_the_log_says_so() {
    let server = silent_server();
    let mut wiretap = start_wiretap(server, &["--idle-timeout", "0.3"]);
    let mut client = Conn::connect(wiretap.address).expect("connect");
    client.send(b"hi").expect("send");
    let started = Instant::now();
    let address = client.local_addr().expect("address");
    let number = expect_open(&mut wiretap, address, server);
    expect_events(
        &mut wiretap,
        &[
            &format!(r#"#{number} client->server +T 2 bytes "hi""#),
            &format!("#{number} idle for 300 ms (--idle-timeout): closing both connections"),
            &format!("#{number} closed +T (client sent 2 bytes, server sent 0 bytes)"),
        ],
    );
    assert_eq!(client.read_to_close(usize::MAX).expect("a normal end"), b"");
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[test]
fn a_client_over_max_connections_is_refused_with_a_line_and_later_ones_are_served() {
    let server = echo_server();
    let mut wiretap = start_wiretap(server, &["--max-connections", "2"]);
    let mut open = Vec::new();
    for _ in 0..2 {
        let client = Conn::connect(wiretap.address).expect("connect");
        expect_open(&mut wiretap, client.local_addr().expect("address"), server);
        open.push(client);
    }
    // The reset that refuses it may come before or after connect returns (see the test of a
    // server that is not there): either way, the client ends up with a reset.
    let outcome =
        TcpStream::connect_timeout(&wiretap.address, STEP_TIMEOUT).and_then(|mut refused| {
            refused.set_read_timeout(Some(STEP_TIMEOUT))?;
            refused.read(&mut [0u8; 16])
        });
    let error = outcome.expect_err("the connection is reset");
    assert_eq!(error.kind(), io::ErrorKind::ConnectionReset, "{error}");
    let line = next_event(&mut wiretap);
    let (start, end) = (
        "#3 refused: client 127.0.0.1:",
        ": already 2 connections open, the limit (--max-connections); resetting it",
    );
    assert!(line.starts_with(start) && line.ends_with(end), "{line}");
    // One closes: there is room again.
    drop(open.remove(0));
    wiretap
        .wait_for(|line| line.starts_with("#1 closed "))
        .expect("the first connection closes");
    assert_still_forwards(&mut wiretap, server);
}

/// The threads of process `id` (Linux: the entries of /proc/<id>/task).
#[cfg(target_os = "linux")]
fn threads_of(id: u32) -> usize {
    std::fs::read_dir(format!("/proc/{id}/task"))
        .expect("the process's threads")
        .count()
}

/// What wiretap's log has said so far about connections: how many started (opened or were
/// refused), how many are open, the most open at once, how many ended (closed or refused).
#[derive(Default)]
struct Tally {
    started: usize,
    open: usize,
    most_open: usize,
    ended: usize,
}

impl Tally {
    /// Counts the next line of wiretap's log.
    fn read(&mut self, wiretap: &mut Server) {
        let line = wiretap.next_line().expect("a line per connection");
        if line.contains(" open: ") {
            self.started += 1;
            self.open += 1;
            self.most_open = self.most_open.max(self.open);
        } else if line.contains(" closed ") {
            self.open -= 1;
            self.ended += 1;
        } else if line.contains(" refused: ") {
            self.started += 1;
            self.ended += 1;
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn two_hundred_silent_clients_do_not_hold_threads_for_ever() {
    // The issue's attack: 200 clients that connect and send nothing held 401 threads.
    let server = silent_server();
    let mut wiretap = start_wiretap(server, &["--idle-timeout", "0.3"]);
    // Those over the cap are reset at once: keep whatever connecting gave. The clients come 25
    // at a time, each batch once wiretap has logged the one before: a burst longer than its
    // listen queue (128) overflows it, and a connect whose first packet the kernel dropped is
    // only tried again a second later.
    let mut clients: Vec<io::Result<TcpStream>> = Vec::new();
    // Each client ends with one line: closed (after the idle timeout) or refused (over the
    // cap). In the log's order, never more than --max-connections (100) are open at once.
    let mut tally = Tally::default();
    for _ in 0..8 {
        for _ in 0..25 {
            clients.push(TcpStream::connect_timeout(&wiretap.address, STEP_TIMEOUT));
        }
        while tally.started < clients.len() {
            tally.read(&mut wiretap);
        }
    }
    while tally.ended < 200 {
        tally.read(&mut wiretap);
    }
    let most_open = tally.most_open;
    assert!(most_open <= 100, "{most_open} connections open at once");
    // Every connection has ended: only the thread that accepts and the log's writer are left,
    // once the threads that printed their last line have finished.
    let deadline = Instant::now() + STEP_TIMEOUT;
    while threads_of(wiretap.id()) > 2 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(threads_of(wiretap.id()), 2);
    drop(clients);
}

#[test]
#[cfg(unix)]
fn forwarding_goes_on_when_nobody_reads_the_log_and_stderr_says_so_once() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};

    // `wiretap ... | head -1`, as a student would type it: `head` prints the ready line and
    // exits, and nobody reads wiretap's log any more. (The shell makes the pipe: one made in
    // this test process could be inherited for a moment by a program another test starts at
    // the same time, and then a write to it would not fail.)
    let server = echo_server();
    let command = format!("'{WIRETAP}' tcp --listen 127.0.0.1:0 --to {server} --once | head -1");
    let mut shell = Command::new("sh")
        .args(["-c", &command])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sh");
    let mut stdout = io::BufReader::new(shell.stdout.take().expect("stdout"));
    let mut ready = String::new();
    stdout.read_line(&mut ready).expect("the ready line");
    let address: SocketAddr = ready
        .trim()
        .strip_prefix("listening on ")
        .and_then(|address| address.parse().ok())
        .expect("a ready line");
    // The note comes when wiretap first fails to log; logging and forwarding are different
    // threads, so it may come a moment after the echo: wait for it.
    let mut stderr = io::BufReader::new(shell.stderr.take().expect("stderr"));
    let (sender, first_line) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut line = String::new();
        let _ = stderr.read_line(&mut line);
        let _ = sender.send(line);
        let mut rest = String::new();
        let _ = stderr.read_to_string(&mut rest);
        rest
    });
    let mut client = Conn::connect(address).expect("connect");
    client.send(b"first").expect("send");
    assert_eq!(client.receive(5).expect("echo"), b"first");
    let note = first_line
        .recv_timeout(testkit::procs::STEP_TIMEOUT)
        .expect("a note on stderr");
    // Still forwarding after the note; then, with --once, wiretap ends with the connection.
    client.send(b"second").expect("send");
    assert_eq!(client.receive(6).expect("echo"), b"second");
    drop(client);
    let _ = shell.wait();
    let rest = reader.join().expect("the stderr reader");
    assert_eq!(note, format!("{}\n", netlesson::log::STDOUT_CLOSED_NOTE));
    assert_eq!(rest, "", "the note should come once");
}

#[test]
fn listening_on_a_busy_port_fails_with_what_to_do() {
    let busy = probe::silent_listener().expect("a busy port");
    let listen = busy.local_addr().expect("address").to_string();
    procs::one_shot(
        Path::new(WIRETAP),
        &["tcp", "--listen", &listen, "--to", "127.0.0.1:9"],
        b"",
    )
    .code(1)
    .stderr(format!(
        "error: could not listen on {listen}: address already in use (another program, \
             maybe an earlier copy of this server, is using that port: stop it, or choose another \
             --port; a server that has just stopped can hold its port for a minute while its \
             connections close)\n"
    ));
}

#[test]
fn bad_option_values_are_refused_with_an_example() {
    for (args, message) in [
        (
            &["tcp", "--listen", "12345", "--to", "127.0.0.1:1"][..],
            "`12345` is not HOST:PORT (for example 127.0.0.1:12345, or [::1]:12345 for IPv6)",
        ),
        (
            &[
                "tcp",
                "--listen",
                "127.0.0.1:0",
                "--to",
                "127.0.0.1:1",
                "--chunk",
                "0",
            ][..],
            "0 is not in 1..",
        ),
        (
            &[
                "udp",
                "--listen",
                "127.0.0.1:0",
                "--to",
                "127.0.0.1:1",
                "--drop",
                "2",
            ][..],
            "`2` is not a probability from 0 to 1",
        ),
    ] {
        let output = procs::Output::from(procs::one_shot(Path::new(WIRETAP), args, b""));
        assert_eq!(output.code(), 2, "{args:?}");
        assert!(output.stderr.contains(message), "{}", output.stderr);
    }
}
