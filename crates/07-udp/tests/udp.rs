//! Black-box tests of lesson 7 over real sockets on 127.0.0.1: `udp-server` and `udp-client`
//! as a student runs them, what UDP does and does not promise (boundaries kept, datagrams cut,
//! lost, refused), and the odd datagrams the server must outlive.
//!
//! Every server runs on `--port 0` and is used only after its `listening on` line; every wait
//! has a time limit (see `testkit::procs`), and the clients use short `--timeout`.

use std::net::{SocketAddr, UdpSocket};
use std::path::Path;

use testkit::probe::ClosedPort;
use testkit::procs::{self, Running, STEP_TIMEOUT, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_udp-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_udp-client");

fn start_server(extra: &[&str]) -> Server {
    Server::start_on_port_0(Path::new(SERVER), extra)
        .expect("udp-server should print its ready line")
}

fn run_client(args: &[&str]) -> procs::Assert {
    procs::one_shot(Path::new(CLIENT), args, b"")
}

/// A UDP socket of the test's own on 127.0.0.1, whose receives time out.
fn socket() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a test socket");
    socket
        .set_read_timeout(Some(STEP_TIMEOUT))
        .expect("a read timeout");
    socket
}

/// The next datagram arriving at `socket`, and its sender.
fn receive(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buffer = vec![0u8; 65_536];
    let (size, sender) = socket.recv_from(&mut buffer).expect("a datagram");
    (buffer[..size].to_vec(), sender)
}

/// Starts `wiretap udp` in front of `server` with `extra` options, past its two first lines.
fn start_wiretap(server: SocketAddr, extra: &[&str]) -> Server {
    let to = server.to_string();
    let mut args = vec!["udp", "--listen", "127.0.0.1:0", "--to", to.as_str()];
    args.extend_from_slice(extra);
    // wiretap is another package's binary: build it (at once when it is up to date) and find it.
    testkit::bins::build(&["wiretap"]).expect("wiretap builds");
    let wiretap = testkit::bins::path("wiretap").expect("wiretap is built");
    let mut wiretap = Server::start(&wiretap, &args).expect("wiretap gets ready");
    let forwarding = wiretap.next_line().expect("the forwarding line");
    assert!(forwarding.starts_with("forwarding UDP to "), "{forwarding}");
    wiretap
}

/// Checks the two lines the server prints for one datagram from `sender`.
fn assert_answered(server: &mut Server, sender: SocketAddr, description: &str) {
    server
        .expect_line(&format!("Received {description}").replace("{sender}", &sender.to_string()))
        .expect("the server describes the datagram");
    server
        .expect_line(&format!("Sent \"data received\" to {sender}"))
        .expect("the server replies to the sender");
}

/// Runs udp-client against `server` and checks both sides of the exchange, exactly.
fn assert_serves_a_client(server: &mut Server) {
    let port = server.port();
    run_client(&["--port", &port.to_string(), "--timeout", "2"])
        .stderr("")
        .stdout(format!(
            "Sent \"Hello, UDP!\" to 127.0.0.1:{port} (attempt 1 of 4)\n\
             Received \"data received\" from 127.0.0.1:{port}\n"
        ))
        .code(0);
    let line = server.next_line().expect("the server reports the datagram");
    let sender = line
        .strip_prefix("Received 11 bytes from ")
        .and_then(|rest| rest.strip_suffix(": \"Hello, UDP!\""))
        .unwrap_or_else(|| panic!("unexpected server line {line:?}"))
        .to_string();
    server
        .expect_line(&format!("Sent \"data received\" to {sender}"))
        .expect("the server replies");
}

#[test]
fn client_and_server_exchange_hello_and_data_received_with_exact_output() {
    let mut server = start_server(&["--once"]);
    assert_serves_a_client(&mut server);
    server
        .expect_success_and_no_more_lines()
        .expect("with --once, the server should exit with 0 and print nothing more");
}

#[test]
fn server_replies_the_seeds_data_received_to_whoever_sent_the_datagram() {
    let mut server = start_server(&[]);
    let client = socket();
    client
        .send_to(b"anything at all", server.address)
        .expect("send");
    let (reply, from) = receive(&client);
    assert_eq!(reply, b"data received");
    assert_eq!(from, server.address);
    let me = client.local_addr().expect("address");
    assert_answered(
        &mut server,
        me,
        "15 bytes from {sender}: \"anything at all\"",
    );
}

#[test]
fn reply_upper_sends_the_datagram_back_in_capitals() {
    let mut server = start_server(&["--reply", "upper"]);
    let client = socket();
    client
        .send_to("hello, straße".as_bytes(), server.address)
        .expect("send");
    assert_eq!(receive(&client).0, b"HELLO, STRASSE");
    let me = client.local_addr().expect("address");
    server
        .expect_line(&format!("Received 14 bytes from {me}: \"hello, straße\""))
        .expect("description");
    server
        .expect_line(&format!("Sent \"HELLO, STRASSE\" to {me}"))
        .expect("the capitals");
}

#[test]
fn server_answers_datagrams_from_many_senders_in_turn() {
    let mut server = start_server(&[]);
    for _ in 0..3 {
        assert_serves_a_client(&mut server);
    }
}

#[test]
fn three_quick_sends_arrive_as_three_datagrams_never_merged() {
    let mut server = start_server(&[]);
    let client = socket();
    for message in ["one", "two", "three"] {
        client
            .send_to(message.as_bytes(), server.address)
            .expect("send");
    }
    let me = client.local_addr().expect("address");
    assert_answered(&mut server, me, "3 bytes from {sender}: \"one\"");
    assert_answered(&mut server, me, "3 bytes from {sender}: \"two\"");
    assert_answered(&mut server, me, "5 bytes from {sender}: \"three\"");
    for _ in 0..3 {
        assert_eq!(
            receive(&client).0,
            b"data received",
            "three separate replies"
        );
    }
}

#[test]
fn server_notices_that_a_datagram_was_cut_to_its_buffer() {
    let mut server = start_server(&["--buffer-size", "5", "--reply", "upper"]);
    let client = socket();
    client
        .send_to(b"Hello, UDP!", server.address)
        .expect("send");
    // The rest of the datagram is gone: the reply can only be made from what was kept.
    assert_eq!(receive(&client).0, b"HELLO");
    let me = client.local_addr().expect("address");
    server
        .expect_line(&format!(
            "Received 11 bytes from {me}, cut to the first 5 (--buffer-size 5): \"Hello\""
        ))
        .expect("the server says the datagram was cut");
    server
        .expect_line(&format!("Sent \"HELLO\" to {me}"))
        .expect("reply");
}

#[test]
fn server_survives_odd_datagrams_empty_huge_and_not_utf8_one_line_each() {
    let mut server = start_server(&[]);
    let client = socket();
    let me = client.local_addr().expect("address");

    // An empty datagram is a datagram: not "the connection was closed", as 0 bytes is in TCP.
    client.send_to(b"", server.address).expect("send empty");
    assert_eq!(receive(&client).0, b"data received");
    assert_answered(&mut server, me, "0 bytes from {sender}: an empty datagram");

    // Close to the largest datagram IPv4 allows (65 507 bytes); cut to the 1024-byte buffer.
    client
        .send_to(&vec![b'x'; 65_000], server.address)
        .expect("send 65 000 bytes");
    assert_eq!(receive(&client).0, b"data received");
    let shown = format!("\"{}\" ... (960 more bytes)", "x".repeat(64));
    assert_answered(
        &mut server,
        me,
        &format!(
            "65000 bytes from {{sender}}, cut to the first 1024 (--buffer-size 1024): {shown}"
        ),
    );

    client
        .send_to(&[0xff, 0xfe, 0xfd], server.address)
        .expect("send bytes that are not UTF-8");
    assert_eq!(receive(&client).0, b"data received");
    assert_answered(
        &mut server,
        me,
        "3 bytes from {sender}: ff fe fd (not UTF-8 text)",
    );

    assert_serves_a_client(&mut server);
}

#[test]
fn upper_server_skips_bytes_that_are_not_text_with_one_line_and_goes_on() {
    let mut server = start_server(&["--reply", "upper"]);
    let client = socket();
    let me = client.local_addr().expect("address");
    client
        .send_to(&[0xc3], server.address)
        .expect("send half a character");
    server
        .expect_line(&format!("Received 1 byte from {me}: c3 (not UTF-8 text)"))
        .expect("description");
    server
        .expect_line(&format!(
            "No reply to {me}: bytes that are not UTF-8 text have no capitals"
        ))
        .expect("one line, no reply");
    client.send_to(b"ok", server.address).expect("send");
    assert_eq!(receive(&client).0, b"OK", "the next datagram is answered");
}

#[test]
fn client_retries_through_a_lossy_wiretap_and_the_server_sees_the_message_twice() {
    // With --drop 0.5 --seed 6, wiretap lets the client's datagrams 1 and 2 through and drops
    // the server's reply 1 (how a seed decides: lessons/tools-wiretap.md): attempt 1 reaches
    // the server but its reply is lost, attempt 2 and its reply get through (a round trip of
    // milliseconds, four processes on a loaded machine: 300 ms leaves a margin). (A lost
    // request is retried the same way: the client cannot tell the two apart.)
    let mut server = start_server(&[]);
    let mut wiretap = start_wiretap(server.address, &["--drop", "0.5", "--seed", "6"]);
    let port = wiretap.port();
    run_client(&[
        "--port",
        &port.to_string(),
        "--timeout",
        "0.3",
        "--retries",
        "3",
    ])
    .stderr("")
    .stdout(format!(
        "Sent \"Hello, UDP!\" to 127.0.0.1:{port} (attempt 1 of 4)\n\
             No reply within 300 ms\n\
             Sent \"Hello, UDP!\" to 127.0.0.1:{port} (attempt 2 of 4)\n\
             Received \"data received\" from 127.0.0.1:{port}\n"
    ))
    .code(0);
    // The server cannot tell a retry from a new message: it answered two of them.
    let open = wiretap.next_line().expect("wiretap's open line");
    let wiretap_side = open
        .split("wiretap's side ")
        .nth(1)
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("unexpected line {open:?}"))
        .parse()
        .expect("an address");
    for _ in 0..2 {
        assert_answered(
            &mut server,
            wiretap_side,
            "11 bytes from {sender}: \"Hello, UDP!\"",
        );
    }
}

#[test]
fn client_gives_up_with_a_clear_message_when_every_datagram_is_lost() {
    let server = start_server(&[]);
    let wiretap = start_wiretap(server.address, &["--drop", "1", "--seed", "1"]);
    let port = wiretap.port();
    let output = procs::Output::from(run_client(&[
        "--port",
        &port.to_string(),
        "--timeout",
        "0.05",
        "--retries",
        "2",
    ]));
    assert_eq!(output.code(), 1);
    let sent = |attempt| {
        format!(
            "Sent \"Hello, UDP!\" to 127.0.0.1:{port} (attempt {attempt} of 3)\n\
             No reply within 50 ms\n"
        )
    };
    assert_eq!(output.stdout, format!("{}{}{}", sent(1), sent(2), sent(3)));
    assert_eq!(
        output.stderr,
        format!(
            "error: no reply from 127.0.0.1:{port} after 3 attempts (is udp-server running \
             there? datagrams may also be lost on the way: try more --retries, or --connect to \
             learn whether anything listens)\n"
        )
    );
}

#[test]
fn client_without_connect_can_only_wait_when_nothing_listens() {
    let closed = ClosedPort::new().expect("a reserved port");
    let port = closed.port();
    let output = procs::Output::from(run_client(&[
        "--port",
        &port.to_string(),
        "--timeout",
        "0.1",
        "--retries",
        "1",
    ]));
    assert_eq!(output.code(), 1);
    assert!(
        output
            .stdout
            .ends_with("(attempt 2 of 2)\nNo reply within 100 ms\n"),
        "{}",
        output.stdout
    );
    assert!(
        output.stderr.starts_with(&format!(
            "error: no reply from 127.0.0.1:{port} after 2 attempts"
        )),
        "{}",
        output.stderr
    );
}

#[test]
fn connected_client_learns_at_once_that_nothing_listens() {
    let closed = ClosedPort::new().expect("a reserved port");
    let port = closed.port();
    // A timeout far longer than the run may take (run_client gives up after 10 s): only a
    // refusal that comes at once lets this client finish.
    run_client(&["--port", &port.to_string(), "--connect", "--timeout", "30"])
        .code(1)
        .stdout(format!(
            "Sent \"Hello, UDP!\" to 127.0.0.1:{port} (attempt 1 of 4)\n"
        ))
        .stderr(format!(
            "error: could not receive the reply: connection refused: the machine at 127.0.0.1 \
             answered that nothing listens on UDP port {port} (is udp-server running?)\n"
        ));
}

#[test]
fn connected_client_talks_to_the_server_as_usual() {
    let mut server = start_server(&["--once"]);
    let port = server.port();
    let output = procs::Output::from(run_client(&["--port", &port.to_string(), "--connect"]));
    assert_eq!(output.code(), 0, "{output:?}");
    assert!(
        output.stdout.ends_with(&format!(
            "Received \"data received\" from 127.0.0.1:{port}\n"
        )),
        "{}",
        output.stdout
    );
    assert!(server.finish().expect("exit").status.success());
}

#[test]
fn client_ignores_datagrams_from_anyone_but_the_server() {
    let fake_server = socket();
    let server_port = fake_server.local_addr().expect("address").port();
    let mut client = Running::start(
        Path::new(CLIENT),
        &["--port", &server_port.to_string(), "--timeout", "5"],
    )
    .expect("client starts");
    let (message, client_address) = receive(&fake_server);
    assert_eq!(message, b"Hello, UDP!");
    let stranger = socket();
    stranger.send_to(b"spam", client_address).expect("send");
    fake_server
        .send_to(b"data received", client_address)
        .expect("reply");
    let stranger_address = stranger.local_addr().expect("address");
    let finished = client.finish().expect("the client exits");
    assert!(finished.status.success(), "{:?}", finished.status);
    assert_eq!(
        finished.rest,
        [
            format!("Sent \"Hello, UDP!\" to 127.0.0.1:{server_port} (attempt 1 of 4)"),
            format!("Ignored 4 bytes from {stranger_address}: not the server"),
            format!("Received \"data received\" from 127.0.0.1:{server_port}"),
        ]
    );
}

#[test]
fn client_refuses_a_message_too_long_for_one_datagram() {
    let server = start_server(&[]);
    let message = "x".repeat(70_000);
    let output = procs::Output::from(run_client(&[
        "--port",
        &server.port_arg(),
        "--message",
        &message,
    ]));
    assert_eq!(output.code(), 1);
    assert_eq!(output.stdout, "");
    assert!(
        output
            .stderr
            .starts_with("error: could not send the message: message too long"),
        "{}",
        output.stderr
    );
}

#[test]
fn second_server_on_a_taken_port_fails_and_the_first_keeps_its_datagrams() {
    let mut first = start_server(&[]);
    let port = first.port();
    procs::one_shot(Path::new(SERVER), &["--port", &port.to_string()], b"")
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: could not bind 127.0.0.1:{port}: address already in use (another program, \
             maybe another copy of this server, is using that port: stop it, or choose another \
             --port)\n"
        ));
    assert_serves_a_client(&mut first);
}

#[test]
fn server_restarts_on_the_same_port_right_after_being_killed() {
    // A port no other test's socket can be given by the system while the server is down.
    // (Reserved for TCP meanwhile, so that another test process does not pick it too.)
    let quiet = testkit::procs::quiet_port(procs::Protocol::Udp).expect("a free port");
    let port = quiet.port.to_string();
    let mut server = Server::start(Path::new(SERVER), &["--port", &port]).expect("started");
    assert_serves_a_client(&mut server);
    let mut restarted = server
        .kill_and_restart()
        .expect("the restarted server should bind the same port at once");
    assert_serves_a_client(&mut restarted);
}

#[test]
fn server_and_client_work_over_ipv6_loopback() {
    let mut server = start_server(&["--host", "::1", "--once"]);
    let port = server.port();
    assert_eq!(server.seen(), [format!("listening on [::1]:{port}")]);
    let output = procs::Output::from(run_client(&["--host", "::1", "--port", &port.to_string()]));
    assert_eq!(output.code(), 0, "{output:?}");
    assert!(
        output
            .stdout
            .ends_with(&format!("Received \"data received\" from [::1]:{port}\n")),
        "{}",
        output.stdout
    );
    assert!(server.finish().expect("exit").status.success());
}

#[test]
fn trace_shows_each_socket_call_and_its_result_on_stderr() {
    let mut server = start_server(&["--once", "--trace"]);
    let port = server.port();
    let output = procs::Output::from(run_client(&["--port", &port.to_string(), "--trace"]));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stderr,
        format!(
            "trace: socket(AF_INET, SOCK_DGRAM) -> ok\n\
             trace: sendto(11 bytes \"Hello, UDP!\", 127.0.0.1:{port}) -> 11\n\
             trace: recvfrom(65536) -> 13 bytes \"data received\" from 127.0.0.1:{port}\n\
             trace: close()\n"
        )
    );
    let mut lines = server.seen().to_vec();
    lines.extend(server.finish().expect("exit").rest);
    let client = lines
        .iter()
        .find_map(|line| line.strip_prefix("Received 11 bytes from "))
        .and_then(|rest| rest.strip_suffix(": \"Hello, UDP!\""))
        .expect("the server's line about the datagram")
        .to_string();
    assert_eq!(
        lines,
        [
            "trace: socket(AF_INET, SOCK_DGRAM) -> ok".to_string(),
            "trace: bind(127.0.0.1:0) -> ok".to_string(),
            format!("listening on 127.0.0.1:{port}"),
            format!(
                "trace: recvfrom(65536, MSG_PEEK) -> 11 bytes from {client} (left in the queue)"
            ),
            format!("trace: recvfrom(1024) -> 11 bytes \"Hello, UDP!\" from {client}"),
            format!("Received 11 bytes from {client}: \"Hello, UDP!\""),
            format!("trace: sendto(13 bytes \"data received\", {client}) -> 13"),
            format!("Sent \"data received\" to {client}"),
            "trace: close()".to_string(),
        ]
    );
}
