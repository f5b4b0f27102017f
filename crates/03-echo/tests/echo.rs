//! Black-box tests of lesson 3 over real sockets on 127.0.0.1: `echo-server` and `echo-client`
//! as a student runs them, large and binary data, half-close, and the misbehaving clients the
//! server must outlive.
//!
//! Every server runs on `--port 0` and is used only after its `listening on` line; every wait
//! has a time limit (see `testkit::procs`).

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use testkit::client::Conn;
use testkit::probe::{self, random_bytes};
use testkit::procs::{self, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_echo-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_echo-client");

const MIB: usize = 1 << 20;

fn start_server(extra: &[&str]) -> Server {
    Server::start_on_port_0(Path::new(SERVER), extra)
        .expect("echo-server should print its ready line")
}

fn run_client(args: &[&str], stdin: &[u8]) -> procs::Assert {
    procs::one_shot(Path::new(CLIENT), args, stdin)
}

/// Sends `data` from one thread while this one reads, half-closes after sending, and returns
/// everything received until the server closed.
fn echo_through(address: SocketAddr, data: &[u8]) -> (SocketAddr, Vec<u8>) {
    let mut conn = Conn::connect(address).expect("connect");
    let client = conn.local_addr().expect("address");
    let mut writer = conn.stream().try_clone().expect("a second handle");
    let received = thread::scope(|scope| {
        scope.spawn(move || {
            writer.write_all(data).expect("send everything");
            writer.shutdown(Shutdown::Write).expect("half-close");
        });
        conn.read_to_close(usize::MAX)
            .expect("the whole echo, then the close")
    });
    (client, received)
}

/// Checks the three lines the server prints for a client it served normally.
fn assert_echoed(server: &mut Server, client: SocketAddr, bytes: &str) {
    server.expect_accepted_from(client).expect("accept line");
    server
        .expect_line(&format!("echoed {bytes} to {client}"))
        .expect("how many bytes were echoed");
    server.expect_closed(client).expect("close line");
}

/// Runs echo-client against `server` and checks the exchange on both sides, exactly.
fn assert_serves_a_client(server: &mut Server) {
    let output = procs::Output::from(run_client(&["--port", &server.port_arg()], b""));
    let port = server.port();
    assert_eq!(output.stderr, "");
    assert_eq!(
        output.stdout,
        format!("Connected to server at 127.0.0.1:{port}\nReceived \"Hello, world\"\n")
    );
    assert_eq!(output.code(), 0);
    let client = server.expect_accepted().expect("accept line");
    server
        .expect_line(&format!("echoed 12 bytes to {client}"))
        .expect("echo line");
    server.expect_closed(client).expect("close line");
}

#[test]
fn client_and_server_echo_hello_world_with_exact_output_on_both_sides() {
    let mut server = start_server(&["--once"]);
    assert_serves_a_client(&mut server);
    server
        .expect_success_and_no_more_lines()
        .expect("with --once, the server should exit with 0 and print nothing more");
}

#[test]
fn server_echoes_a_mebibyte_of_random_bytes_exactly() {
    let mut server = start_server(&[]);
    let data = random_bytes(MIB);
    assert!(
        std::str::from_utf8(&data).is_err(),
        "the test data is not text"
    );
    let (client, received) = echo_through(server.address, &data);
    assert!(received == data, "the echo differs from the data sent");
    assert_echoed(&mut server, client, "1048576 bytes");
}

#[test]
fn server_echoes_a_mebibyte_exactly_with_a_large_buffer_and_with_a_tiny_one() {
    for size in ["65536", "7"] {
        let mut server = start_server(&["--buffer-size", size]);
        let data = random_bytes(if size == "7" { 50_000 } else { MIB });
        let (client, received) = echo_through(server.address, &data);
        assert!(received == data, "--buffer-size {size}: the echo differs");
        assert_echoed(&mut server, client, &format!("{} bytes", data.len()));
    }
}

#[test]
fn server_honours_half_close_and_sends_everything_back_before_closing() {
    let mut server = start_server(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send(b"first part, ").expect("send");
    conn.send(b"second part").expect("send");
    conn.half_close().expect("half-close: we send nothing more");
    assert_eq!(
        conn.read_to_close(usize::MAX)
            .expect("echo, then the server's close"),
        b"first part, second part"
    );
    let client = conn.local_addr().expect("address");
    assert_echoed(&mut server, client, "23 bytes");
}

#[test]
fn server_echoes_each_piece_at_once_for_a_client_that_waits_before_closing() {
    // The Python original's client sends, then waits for the echo without closing anything.
    let mut server = start_server(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send(b"Hello, world").expect("send");
    assert_eq!(conn.receive(12).expect("echo"), b"Hello, world");
    conn.send(b"and again")
        .expect("send more on the same connection");
    assert_eq!(conn.receive(9).expect("echo"), b"and again");
    let client = conn.local_addr().expect("address");
    drop(conn);
    assert_echoed(&mut server, client, "21 bytes");
}

#[test]
fn server_echoes_invalid_utf8_unchanged() {
    let mut server = start_server(&[]);
    let data = [0xff, 0xfe, 0x00, 0xc3, b'\n', 0x80];
    let (client, received) = echo_through(server.address, &data);
    assert_eq!(received, data);
    assert_echoed(&mut server, client, "6 bytes");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_echoes_a_message_sent_one_byte_per_write() {
    let mut server = start_server(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send_bytewise(b"Hello, world").expect("send");
    conn.half_close().expect("half-close");
    assert_eq!(
        conn.read_to_close(usize::MAX).expect("echo"),
        b"Hello, world"
    );
    let client = conn.local_addr().expect("address");
    assert_echoed(&mut server, client, "12 bytes");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_echoes_several_messages_sent_in_one_write() {
    let mut server = start_server(&[]);
    let (client, received) = echo_through(server.address, b"one\ntwo\nthree\n");
    assert_eq!(received, b"one\ntwo\nthree\n");
    assert_echoed(&mut server, client, "14 bytes");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_drops_client_that_goes_quiet_halfway_and_says_how_much_it_echoed() {
    let mut server = start_server(&["--idle-timeout", "0.2"]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send(b"hello").expect("send");
    assert_eq!(conn.receive(5).expect("echo"), b"hello");
    let client = conn.local_addr().expect("address");
    server
        .expect_accepted_then_problem(
            client,
            "echoed 5 bytes, then could not receive: nothing arrived for 200 ms (--idle-timeout)",
        )
        .expect("the server should name the client and the problem");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_drops_client_that_sends_but_never_reads_after_idle_timeout() {
    let mut server = start_server(&["--idle-timeout", "0.15"]);
    // A small receive buffer, and we never read: the server's sends soon have nowhere to go.
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    socket
        .connect_timeout(&server.address.into(), procs::STEP_TIMEOUT)
        .expect("connect");
    let mut stream = TcpStream::from(socket);
    stream
        .set_write_timeout(Some(procs::STEP_TIMEOUT))
        .expect("write timeout");
    let client = stream.local_addr().expect("address");
    // Send until the server gives up on us: then our sends fail (reset, broken pipe).
    let chunk = random_bytes(64 * 1024);
    let mut sent = 0;
    while stream.write_all(&chunk).is_ok() {
        sent += chunk.len();
        assert!(sent < 512 * MIB, "the server never stopped reading");
    }
    let reported = server
        .wait_for(|line| line.starts_with(&format!("client {client}: ")))
        .expect("a line about the client");
    let line = reported.last().expect("the line");
    assert!(
        line.starts_with(&format!("client {client}: echoed ")),
        "{line}"
    );
    assert!(
        line.ends_with(
            " bytes, then could not send: the peer stopped reading: nothing could be sent for \
             150 ms (--idle-timeout)"
        ),
        "{line}"
    );
    assert_serves_a_client(&mut server);
}

#[test]
fn server_closes_a_trickling_client_at_the_client_deadline_then_serves_the_next() {
    // One byte every 25 ms: each byte restarts the idle timeout (10 s), so without the
    // deadline this client would hold the one-at-a-time server for as long as it liked.
    let mut server = start_server(&["--client-deadline", "0.2"]);
    let started = Instant::now();
    let mut conn = Conn::connect(server.address).expect("connect");
    let client = conn.local_addr().expect("address");
    let mut writer = conn.stream().try_clone().expect("a second handle");
    let held = thread::scope(|scope| {
        scope.spawn(move || {
            // Until the server has closed the connection (a send fails), or 10 s have passed.
            while started.elapsed() < procs::STEP_TIMEOUT && writer.write_all(b"x").is_ok() {
                thread::sleep(Duration::from_millis(25));
            }
        });
        // Read the echoes until the server closes (end of stream, or a reset: both mean
        // the connection is gone).
        let mut buffer = [0u8; 64];
        while let Ok(1..) = conn.stream().read(&mut buffer) {}
        started.elapsed()
    });
    eprintln!("the trickling client was closed after {held:?}");
    assert!(
        held >= Duration::from_millis(200),
        "closed before the deadline: {held:?}"
    );
    assert!(held < procs::STEP_TIMEOUT, "never closed: {held:?}");

    server.expect_accepted_from(client).expect("accept line");
    let deadline =
        format!("client {client}: held the server for 200 ms (--client-deadline): closed");
    let lines = server
        .wait_for(|line| line == deadline)
        .expect("the deadline line");
    // Before it, the server may say how much it echoed (when the deadline found it reading).
    for line in &lines[..lines.len() - 1] {
        let echoed = line
            .strip_prefix("echoed ")
            .and_then(|rest| rest.strip_suffix(&format!(" bytes to {client}")))
            .and_then(|count| count.parse::<usize>().ok());
        // At least one byte: how many the trickler got in before the deadline depends on how
        // busy the machine is (3 of them on a loaded one, where 8 were expected).
        assert!(
            echoed.is_some_and(|count| count >= 1),
            "unexpected line {line:?}"
        );
    }
    assert!(lines.len() <= 2, "{lines:?}");
    assert_serves_a_client(&mut server);
}

#[test]
fn client_sends_a_mebibyte_through_the_server_and_gets_all_of_it_back() {
    let mut server = start_server(&["--once"]);
    let port = server.port();
    // 16 bytes, 65536 times: 1 MiB, far more than the connection's buffers hold at once.
    run_client(
        &[
            "--port",
            &port.to_string(),
            "--message",
            "0123456789abcdef",
            "--repeat",
            "65536",
        ],
        b"",
    )
    .stderr("")
    .stdout(format!(
        "Connected to server at 127.0.0.1:{port}\nReceived \"{}\" ... (1048512 more bytes)\n",
        "0123456789abcdef".repeat(4)
    ))
    .code(0);
    let lines = server.finish().expect("server exits").rest;
    assert!(
        lines[1].starts_with("echoed 1048576 bytes to 127.0.0.1:"),
        "{lines:?}"
    );
}

#[test]
fn client_does_not_get_stuck_on_a_message_larger_than_the_connections_buffers() {
    // A client that sent everything before reading would get stuck here: on this machine the
    // buffers between the two programs hold a few MiB. 32 MiB is well beyond that.
    let mut server = start_server(&["--once"]);
    let port = server.port().to_string();
    let output = procs::Output::from(run_client(
        &[
            "--port",
            &port,
            "--timeout",
            "2",
            "--message",
            "0123456789abcdef",
            "--repeat",
            "2097152",
        ],
        b"",
    ));
    assert_eq!(output.stderr, "");
    assert!(
        output.stdout.ends_with(" ... (33554368 more bytes)\n"),
        "{}",
        output.stdout
    );
    let lines = server.finish().expect("server exits").rest;
    assert!(
        lines[1].starts_with("echoed 33554432 bytes to "),
        "{lines:?}"
    );
}

#[test]
fn interactive_client_sends_each_line_and_prints_its_echo() {
    let mut server = start_server(&["--once"]);
    let port = server.port();
    run_client(
        &["--port", &port.to_string(), "--interactive"],
        b"hello\nworld\n\xff\xfe\nlast line without a newline",
    )
    .stderr("")
    .stdout(format!(
        "Connected to server at 127.0.0.1:{port}\n\
             Type a line and press Enter to send it; Ctrl-D to finish.\n\
             Received \"hello\\n\"\n\
             Received \"world\\n\"\n\
             Received ff fe 0a\n\
             Received \"last line without a newline\"\n"
    ))
    .code(0);
    let lines = server.finish().expect("server exits").rest;
    assert!(lines[1].starts_with("echoed 42 bytes to "), "{lines:?}");
}

#[test]
fn interactive_client_answers_each_line_as_it_is_typed() {
    let mut server = start_server(&[]);
    let mut client = procs::Running::start(
        Path::new(CLIENT),
        &["--port", &server.port_arg(), "--interactive"],
    )
    .expect("client starts");
    client
        .wait_for(|line| line.starts_with("Type a line"))
        .expect("prompt");
    for word in ["one", "two"] {
        client
            .write_stdin(&format!("{word}\n"))
            .expect("type a line");
        client
            .expect_line(&format!("Received \"{word}\\n\""))
            .expect("the echo of that line, before the next is typed");
    }
    client.close_stdin();
    let finished = client.finish().expect("client exits after Ctrl-D");
    assert!(finished.status.success(), "{finished:?}");
    assert_eq!(finished.rest, Vec::<String>::new());
    server
        .wait_for(|line| line.starts_with("echoed 8 bytes to "))
        .expect("echo line");
}

#[test]
fn interactive_client_handles_a_line_larger_than_the_buffers() {
    let mut server = start_server(&["--once"]);
    let mut line = "x".repeat(32 * MIB);
    line.push('\n');
    let output = procs::Output::from(run_client(
        &[
            "--port",
            &server.port_arg(),
            "--interactive",
            // The whole echo after the last write must come within --timeout: megabytes still
            // in the buffers, through a debug build on a busy machine (2 s was seen too short
            // beside another cargo test).
            "--timeout",
            "5",
        ],
        line.as_bytes(),
    ));
    assert_eq!(output.code(), 0, "{output:?}");
    assert!(
        output.stdout.ends_with(&format!(
            "Received \"{}\" ... (33554369 more bytes)\n",
            "x".repeat(64)
        )),
        "{}",
        output.stdout
    );
    let lines = server.finish().expect("server exits").rest;
    assert!(
        lines[1].starts_with("echoed 33554433 bytes to "),
        "{lines:?}"
    );
}

#[test]
fn client_gives_up_when_the_server_never_echoes() {
    let silent = probe::silent_listener().expect("listener");
    let port = silent.local_addr().expect("address").port();
    run_client(&["--port", &port.to_string(), "--timeout", "0.3"], b"")
        .code(1)
        .stdout(format!("Connected to server at 127.0.0.1:{port}\n"))
        .stderr("error: could not receive the echo: nothing arrived for 300 ms (--timeout)\n");
}

/// A one-client server, in a thread, that answers with `reply(received)` and closes.
fn fake_server(reply: fn(Vec<u8>) -> Vec<u8>) -> (u16, thread::JoinHandle<()>) {
    let (address, handle) = probe::fake_server(move |mut stream| {
        let mut received = Vec::new();
        stream.read_to_end(&mut received).expect("read the message");
        let _ = stream.write_all(&reply(received));
    })
    .expect("a fake server");
    (address.port(), handle)
}

#[test]
fn client_reports_a_server_that_closes_before_echoing_everything() {
    let (port, server) = fake_server(|received| received[..5].to_vec());
    let output = procs::Output::from(run_client(&["--port", &port.to_string()], b""));
    server.join().expect("fake server");
    assert_eq!(output.code(), 1);
    assert_eq!(
        output.stderr,
        "error: could not receive the echo: the peer closed the connection too early\n"
    );
}

#[test]
fn client_reports_an_echo_that_differs_from_what_it_sent() {
    let (port, server) = fake_server(|received| received.to_ascii_uppercase());
    let output = procs::Output::from(run_client(&["--port", &port.to_string()], b""));
    server.join().expect("fake server");
    assert_eq!(output.code(), 1);
    assert_eq!(
        output.stderr,
        "error: the echo differs from what we sent, from byte 1 on\n"
    );
}

#[test]
fn client_reports_a_server_that_sends_more_than_the_echo() {
    let (port, server) = fake_server(|mut received| {
        received.extend_from_slice(b" and more");
        received
    });
    let output = procs::Output::from(run_client(&["--port", &port.to_string()], b""));
    server.join().expect("fake server");
    assert_eq!(output.code(), 1);
    assert_eq!(
        output.stderr,
        "error: the server sent 9 bytes more than we sent: \" and more\"\n"
    );
}

#[test]
fn client_stops_reading_a_server_that_echoes_then_streams_forever() {
    // A correct echo, then endless bytes: a client that reads "to the end" never ends, and
    // keeps every byte. (64 MiB here, so that the old client failed instead of filling memory.)
    let (address, server) = probe::fake_server(|mut stream| {
        let mut received = Vec::new();
        stream.read_to_end(&mut received).expect("read the message");
        stream.write_all(&received).expect("echo it");
        let endless = [b'x'; 64 * 1024];
        let mut streamed = 0;
        while streamed < 64 * MIB && stream.write_all(&endless).is_ok() {
            streamed += endless.len();
        }
        streamed
    })
    .expect("a fake server");
    let output = procs::Output::from(run_client(&["--port", &address.port().to_string()], b""));
    let streamed = server.join().expect("fake server");
    assert!(streamed < 64 * MIB, "the client read all {streamed} bytes");
    assert_eq!(
        output.stdout,
        format!("Connected to server at {address}\nReceived \"Hello, world\"\n")
    );
    assert_eq!(
        output.stderr,
        format!(
            "error: the server sent more than we sent and kept on sending (we stopped reading \
             after 1024 extra bytes), starting with \"{}\"\n",
            "x".repeat(64)
        )
    );
    assert_eq!(output.code(), 1);
}

#[test]
fn server_trace_shows_each_receive_and_send_and_the_end_of_stream() {
    let mut server = start_server(&["--once", "--trace"]);
    let port = server.port();
    let output = procs::Output::from(run_client(&["--port", &port.to_string()], b""));
    assert_eq!(output.code(), 0, "{output:?}");
    let lines = server.all_lines_at_exit().expect("exit");
    let client = procs::accepted_client(&lines).expect("accept line");
    assert_eq!(
        lines,
        [
            "trace: socket(), setsockopt(SO_REUSEADDR), bind(127.0.0.1:0), listen(1) -> ok"
                .to_string(),
            format!("listening on 127.0.0.1:{port}"),
            format!("trace: accept() -> {client}"),
            format!("accepted connection from {client}"),
            "trace: recv(1024) -> 12 bytes \"Hello, world\"".to_string(),
            "trace: send(12 bytes \"Hello, world\") -> 12".to_string(),
            "trace: recv(1024) -> 0 bytes (end of stream: the peer closed its side)".to_string(),
            format!("echoed 12 bytes to {client}"),
            "trace: close()".to_string(),
            format!("closed connection from {client}"),
        ]
    );
}

#[test]
fn client_trace_shows_the_send_the_half_close_and_the_echo() {
    let mut server = start_server(&["--once"]);
    let port = server.port();
    let output = procs::Output::from(run_client(&["--port", &port.to_string(), "--trace"], b""));
    assert_eq!(output.code(), 0, "{output:?}");
    // Two threads trace at once, so the writer's and the reader's lines may interleave in
    // either order; each thread's own lines keep their order.
    let lines: Vec<&str> = output.stderr.lines().collect();
    let writer: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|line| line.contains("send(") || line.contains("shutdown("))
        .collect();
    let reader: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|line| line.contains("recv("))
        .collect();
    assert_eq!(
        writer,
        [
            "trace: send(12 bytes \"Hello, world\") -> 12",
            "trace: shutdown(SHUT_WR) -> ok"
        ]
    );
    assert_eq!(
        reader,
        [
            "trace: recv(12) -> 12 bytes \"Hello, world\"",
            "trace: recv(32) -> 0 bytes (end of stream: the peer closed its side)"
        ]
    );
    assert_eq!(lines[0], format!("trace: connect(127.0.0.1:{port}) -> ok"));
    assert_eq!(lines.last(), Some(&"trace: close()"));
    assert_eq!(lines.len(), 6, "{lines:?}");
    server.finish().expect("server exits");
}

#[test]
fn server_and_client_work_over_ipv6_loopback() {
    let mut server = start_server(&["--host", "::1", "--once"]);
    let port = server.port();
    let output = procs::Output::from(run_client(
        &["--host", "::1", "--port", &port.to_string()],
        b"",
    ));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        format!("Connected to server at [::1]:{port}\nReceived \"Hello, world\"\n")
    );
    assert!(server.finish().expect("exit").status.success());
}

#[test]
fn server_refuses_a_buffer_size_of_zero() {
    let output = procs::Output::from(procs::one_shot(
        Path::new(SERVER),
        &["--buffer-size", "0"],
        b"",
    ));
    assert_eq!(output.code(), 2);
    assert!(
        output
            .stderr
            .contains("invalid value '0' for '--buffer-size <BYTES>'"),
        "{}",
        output.stderr
    );
}
