//! Black-box tests of `uppercase-server` and `uppercase-client` over real sockets on 127.0.0.1:
//! the exchange as a student runs it (typing on stdin), the clients the server must outlive,
//! and what the client does with bad input and bad servers.
//!
//! Every server runs on `--port 0` and is used only after its `listening on` line; every wait
//! has a time limit (see `testkit::procs`).

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::mpsc;

use testkit::client::Conn;

use crate::common::{Pair, fake_server, flooding_server};
use testkit::probe;
use testkit::procs::{self, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_uppercase-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_uppercase-client");

const PROMPT: &str = "Input lowercase sentence:";

/// The pair under test.
const UPPERCASE: Pair = Pair {
    server: SERVER,
    client: CLIENT,
};

/// Runs uppercase-client, typing `hello, straße!`, and checks both sides exactly.
fn assert_serves_a_client(server: &mut Server) {
    let stdout = format!("{PROMPT}hello, straße!\nHELLO, STRASSE!\n");
    UPPERCASE.assert_exchange(server, "hello, straße!\n", &stdout, |client| {
        vec![
            format!("Received \"hello, straße!\" from {client}"),
            format!("Sent \"HELLO, STRASSE!\" to {client}"),
        ]
    });
}

/// Sends `sentence` from a connection that keeps its side open, and returns the whole reply.
fn ask(server: &Server, sentence: &[u8]) -> (SocketAddr, Vec<u8>) {
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send(sentence).expect("send");
    let reply = conn
        .read_to_close(usize::MAX)
        .expect("the reply, then the end");
    (conn.local_addr().expect("address"), reply)
}

#[test]
fn client_sends_the_typed_sentence_and_prints_it_in_capitals_exact_output_on_both_sides() {
    let mut server = UPPERCASE.start_server(&["--once"]);
    assert_serves_a_client(&mut server);
    server
        .expect_success_and_no_more_lines()
        .expect("with --once, the server should exit with 0 and print nothing more");
}

#[test]
fn server_answers_a_sentence_without_newline_while_the_client_keeps_its_side_open() {
    // What the original Python client does: send "hello" with no newline, then wait for the
    // answer without closing. A server that waited for a newline or for the end would hang.
    let mut server = UPPERCASE.start_server(&[]);
    let (client, reply) = ask(&server, b"hello");
    assert_eq!(reply, b"HELLO");
    server.expect_accepted_from(client).expect("accept line");
    server
        .expect_line(&format!("Received \"hello\" from {client}"))
        .expect("received line");
}

#[test]
fn server_uppercases_all_of_unicode_not_just_ascii() {
    let server = UPPERCASE.start_server(&[]);
    let (_, reply) = ask(&server, "straße ǆ ﬁ ΐ é".as_bytes());
    assert_eq!(
        String::from_utf8(reply).expect("UTF-8"),
        "STRASSE Ǆ FI \u{399}\u{308}\u{301} É"
    );
}

#[test]
fn server_reads_once_so_a_sentence_sent_byte_by_byte_is_cut_to_its_first_piece() {
    // The server takes what one recv returns. Send a single byte and wait: that byte is all
    // it gets, and all it answers. (Lesson 5 fixes this with framing.)
    let mut server = UPPERCASE.start_server(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send_bytewise(b"h").expect("send");
    assert_eq!(conn.read_to_close(usize::MAX).expect("reply"), b"H");
    let client = conn.local_addr().expect("address");
    server.expect_accepted_from(client).expect("accept line");
    server
        .expect_line(&format!("Received \"h\" from {client}"))
        .expect("only the first byte");
    server.wait_for_closed(client).expect("closed");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_answers_several_lines_sent_in_one_write_as_one_sentence() {
    let mut server = UPPERCASE.start_server(&[]);
    let (client, reply) = ask(&server, b"one\ntwo\nthree\n");
    assert_eq!(reply, b"ONE\nTWO\nTHREE\n");
    server.expect_accepted_from(client).expect("accept line");
    server
        .expect_line(&format!("Received \"one\\ntwo\\nthree\\n\" from {client}"))
        .expect("one sentence with its newlines, escaped");
}

#[test]
fn client_sends_the_line_without_its_newline_or_carriage_return() {
    let (report, received) = mpsc::channel();
    let address = fake_server(move |mut stream| {
        let mut buffer = [0u8; 100];
        let count = stream.read(&mut buffer).unwrap_or(0);
        let _ = report.send(buffer[..count].to_vec());
        let _ = stream.write_all(b"OK");
    });
    // A Windows-style line ending: both \r and \n are left out of what is sent.
    let output = procs::Output::from(
        UPPERCASE.run_client(&["--port", &address.port().to_string()], "hi there\r\n"),
    );
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(output.stdout, format!("{PROMPT}hi there\nOK\n"));
    let sent = received
        .recv_timeout(procs::STEP_TIMEOUT)
        .expect("the fake server got the sentence");
    assert_eq!(sent, b"hi there");
}

#[test]
fn client_with_stdin_closed_at_once_says_so_and_does_not_connect() {
    // A port where nothing listens: had the client tried to connect, it would say so.
    let closed = probe::ClosedPort::new().expect("a reserved port");
    UPPERCASE
        .run_client(&["--port", &closed.port().to_string()], "")
        .code(1)
        .stdout(format!("{PROMPT}\n"))
        .stderr("error: stdin was closed before a line was typed (Ctrl-D?): nothing to send\n");
}

#[test]
fn client_refuses_an_empty_sentence_before_connecting() {
    let closed = probe::ClosedPort::new().expect("a reserved port");
    UPPERCASE
        .run_client(&["--port", &closed.port().to_string()], "\n")
        .code(1)
        .stdout(format!("{PROMPT}\n"))
        .stderr("error: the sentence is empty: type a few words, then press Enter\n");
}

#[test]
fn client_sends_only_the_first_line_typed() {
    let mut server = UPPERCASE.start_server(&["--once"]);
    let output = procs::Output::from(
        UPPERCASE.run_client(&["--port", &server.port_arg()], "first\nsecond\n"),
    );
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(output.stdout, format!("{PROMPT}first\nFIRST\n"));
    assert!(server.finish().expect("exit").status.success());
}

#[test]
fn client_stops_at_its_limit_when_the_server_never_stops_sending() {
    let address = flooding_server(b'X');
    let output = procs::Output::from(
        UPPERCASE.run_client(&["--port", &address.port().to_string()], "hello\n"),
    );
    assert_eq!(output.code(), 1);
    assert!(
        output.stderr.starts_with(
            "error: the server sent more than 6144 bytes without closing the connection: \"XXX"
        ),
        "{}",
        output.stderr
    );
}

#[test]
fn client_reports_a_server_that_closes_without_replying() {
    let address = fake_server(|mut stream| {
        let mut buffer = [0u8; 100];
        let _ = stream.read(&mut buffer);
    });
    UPPERCASE
        .run_client(&["--port", &address.port().to_string()], "hello\n")
        .code(1)
        .stderr("error: the server closed the connection without replying\n");
}

#[test]
fn client_gives_up_when_the_server_never_replies() {
    let silent = probe::silent_listener().expect("listener");
    let port = silent.local_addr().expect("address").port();
    UPPERCASE
        .run_client(
            &["--port", &port.to_string(), "--timeout", "0.3"],
            "hello\n",
        )
        .code(1)
        .stderr("error: no reply from the server: nothing arrived for 300 ms (--timeout)\n");
}

#[test]
fn trace_shows_each_socket_call_and_the_bytes_on_both_sides() {
    let mut server = UPPERCASE.start_server(&["--once", "--trace"]);
    let port = server.port();
    UPPERCASE
        .run_client(&["--port", &port.to_string(), "--trace"], "straße\n")
        .stdout(format!("{PROMPT}straße\nSTRASSE\n"))
        .stderr(format!(
            "trace: connect(127.0.0.1:{port}) -> ok\n\
             trace: send(7 bytes \"straße\") -> 7\n\
             trace: recv(2048) -> 7 bytes \"STRASSE\"\n\
             trace: recv(2048) -> 0 bytes (end of stream: the peer closed its side)\n\
             trace: close()\n"
        ));
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
            "trace: recv(2048) -> 7 bytes \"straße\"".to_string(),
            format!("Received \"straße\" from {client}"),
            "trace: send(7 bytes \"STRASSE\") -> 7".to_string(),
            format!("Sent \"STRASSE\" to {client}"),
            "trace: close()".to_string(),
            format!("closed connection from {client}"),
        ]
    );
}

#[test]
fn client_refuses_a_sentence_longer_than_the_servers_one_receive_before_connecting() {
    let mut server = Server::start_on_port_0(Path::new(SERVER), &[]).expect("server starts");
    let sentence = "a".repeat(2049);
    UPPERCASE
        .run_client(&["--port", &server.port_arg()], &format!("{sentence}\n"))
        .code(1)
        .stdout(format!("{PROMPT}{sentence}\n"))
        .stderr(
            "error: the sentence is 2049 bytes, and uppercase-server reads at most 2048 in its one \
         receive (lesson 5 shows how to send messages of any length)\n",
        );
    // It never connected: the next client is the first the server hears of.
    assert_serves_a_client(&mut server);
}

#[test]
fn client_sends_a_sentence_of_exactly_2048_bytes() {
    let mut server =
        Server::start_on_port_0(Path::new(SERVER), &["--once"]).expect("server starts");
    let sentence = "a".repeat(2048);
    UPPERCASE
        .run_client(&["--port", &server.port_arg()], &format!("{sentence}\n"))
        .stderr("")
        .code(0)
        .stdout(format!("{PROMPT}{sentence}\n{}\n", "A".repeat(2048)));
    assert!(server.finish().expect("server exits").status.success());
}
