//! Black-box tests of `id-server` and `id-client` over real sockets on 127.0.0.1: the server
//! speaks first, the client turns the question into its prompt, and each side copes with the
//! other misbehaving (closing early, never answering, sending garbage).
//!
//! Every server runs on `--port 0` and is used only after its `listening on` line; every wait
//! has a time limit (see `testkit::procs`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

use testkit::probe::{self, Probe};
use testkit::procs::{self, Running, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_id-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_id-client");

const QUESTION: &[u8] = b"What's your student ID?\n";
const PROMPT: &str = "What's your student ID? ";

fn start_server(extra: &[&str]) -> Server {
    Server::start_on_port_0(Path::new(SERVER), extra)
        .expect("id-server should print its ready line")
}

/// Runs id-client with `typed` on its stdin.
fn run_client(args: &[&str], typed: &str) -> procs::Output {
    procs::run(Path::new(CLIENT), args, typed.as_bytes()).expect("id-client should finish")
}

/// Runs id-client, typing `b12345678`, and checks both sides exactly.
fn assert_serves_a_client(server: &mut Server) {
    let output = run_client(&["--port", &server.port_arg()], "b12345678\n");
    assert_eq!(output.stderr, "");
    assert_eq!(
        output.stdout,
        format!("{PROMPT}b12345678\nSent \"b12345678\"\n")
    );
    assert_eq!(output.code(), 0);
    let client = server
        .expect_accepted()
        .expect("the server reports the client");
    server
        .expect_line(&format!("Student ID from {client}: \"B12345678\""))
        .expect("the answer in capitals");
    server.expect_closed(client).expect("close line");
}

/// A probe that has connected and received the whole question.
fn questioned(server: &Server) -> Probe {
    let mut probe = Probe::connect(server.address).expect("connect");
    let question = probe.receive_exact(QUESTION.len()).expect("the question");
    assert_eq!(question, QUESTION);
    probe
}

#[test]
fn client_answers_the_question_with_the_typed_line_exact_output_on_both_sides() {
    let mut server = start_server(&["--once"]);
    assert_serves_a_client(&mut server);
    server
        .expect_success_and_no_more_lines()
        .expect("with --once, the server should exit with 0 and print nothing more");
}

#[test]
fn server_speaks_first_and_prints_the_answer_in_capitals() {
    let mut server = start_server(&[]);
    let mut probe = questioned(&server);
    probe.send("straße-7".as_bytes()).expect("answer");
    assert_eq!(probe.receive_to_end().expect("the server closes"), b"");
    let client = probe.local_addr().expect("address");
    server.expect_accepted_from(client).expect("accept line");
    // Decoded first, then upper-cased: ß becomes SS (upper-casing the bytes would keep ß).
    server
        .expect_line(&format!("Student ID from {client}: \"STRASSE-7\""))
        .expect("the answer in capitals");
}

#[test]
fn server_reports_an_answer_that_is_not_utf8_in_one_line() {
    let mut server = start_server(&[]);
    let mut probe = questioned(&server);
    probe.send(&[0xff, 0xfe]).expect("send");
    assert_eq!(probe.receive_to_end().expect("the server closes"), b"");
    let client = probe.local_addr().expect("address");
    server
        .expect_accepted_then_problem(client, "answered with data that is not UTF-8 text: ff fe")
        .expect("the server should name the client and the problem");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_reads_once_so_an_answer_sent_byte_by_byte_is_cut_to_its_first_piece() {
    let mut server = start_server(&[]);
    let mut probe = questioned(&server);
    probe.send_bytewise(b"b").expect("send");
    assert_eq!(probe.receive_to_end().expect("the server closes"), b"");
    let client = probe.local_addr().expect("address");
    server.expect_accepted_from(client).expect("accept line");
    server
        .expect_line(&format!("Student ID from {client}: \"B\""))
        .expect("only the first byte");
    server.expect_closed(client).expect("close line");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_takes_several_lines_sent_in_one_write_as_one_answer() {
    let mut server = start_server(&[]);
    let mut probe = questioned(&server);
    probe.send(b"b1\nb2\n").expect("send");
    assert_eq!(probe.receive_to_end().expect("the server closes"), b"");
    let client = probe.local_addr().expect("address");
    server.expect_accepted_from(client).expect("accept line");
    server
        .expect_line(&format!("Student ID from {client}: \"B1\\nB2\\n\""))
        .expect("one answer, newlines escaped");
}

/// Reads `child`'s stdout in a thread, one chunk at a time (a prompt has no newline, so
/// reading lines would not see it).
fn stdout_chunks(child: &mut std::process::Child) -> mpsc::Receiver<Vec<u8>> {
    let mut stdout = child.stdout.take().expect("piped stdout");
    let (sender, chunks) = mpsc::channel();
    thread::spawn(move || {
        let mut buffer = [0u8; 256];
        while let Ok(count @ 1..) = stdout.read(&mut buffer) {
            if sender.send(buffer[..count].to_vec()).is_err() {
                break;
            }
        }
    });
    chunks
}

#[test]
fn client_shows_the_question_as_its_prompt_before_reading_stdin() {
    let mut server = start_server(&["--once"]);
    let mut child = Command::new(CLIENT)
        .args(["--port", &server.port_arg()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("id-client starts");
    let chunks = stdout_chunks(&mut child);
    // Nothing typed yet: the prompt must already be on the screen, flushed, with no newline.
    let mut shown = Vec::new();
    while shown != PROMPT.as_bytes() {
        let chunk = chunks
            .recv_timeout(procs::STEP_TIMEOUT)
            .unwrap_or_else(|_| {
                let _ = child.kill();
                panic!(
                    "no prompt; stdout so far: {:?}",
                    String::from_utf8_lossy(&shown)
                )
            });
        shown.extend(chunk);
        assert!(PROMPT.as_bytes().starts_with(&shown), "{shown:?}");
    }
    // The server waits for the answer meanwhile.
    server.expect_accepted().expect("accept line");

    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(b"b7\n").expect("type the answer");
    drop(stdin);
    let status = child.wait().expect("id-client exits");
    assert!(status.success());
    let rest: Vec<u8> = chunks.iter().flatten().collect();
    assert_eq!(String::from_utf8_lossy(&rest), "b7\nSent \"b7\"\n");
    let rest = server.finish().expect("server exits").rest;
    assert!(rest[0].ends_with(": \"B7\""), "{rest:?}");
}

#[test]
fn client_with_stdin_closed_at_once_sends_nothing_and_both_sides_say_so() {
    let mut server = start_server(&[]);
    let output = run_client(&["--port", &server.port_arg()], "");
    assert_eq!(output.code(), 1);
    assert_eq!(output.stdout, format!("{PROMPT}\n"));
    assert_eq!(
        output.stderr,
        "error: stdin was closed before an answer was typed (Ctrl-D?): nothing sent\n"
    );
    let client = server.expect_accepted().expect("accept line");
    server
        .expect_client_problem(client, "closed the connection without answering")
        .expect("the server reports the silent client");
    assert_serves_a_client(&mut server);
}

#[test]
fn client_refuses_an_empty_answer_and_sends_nothing() {
    let mut server = start_server(&[]);
    let output = run_client(&["--port", &server.port_arg()], "\n");
    assert_eq!(output.code(), 1);
    assert_eq!(output.stdout, format!("{PROMPT}\n"));
    assert_eq!(
        output.stderr,
        "error: the answer is empty: type your student ID, then press Enter\n"
    );
    server
        .wait_for(|line| line.ends_with(": closed the connection without answering"))
        .expect("the server reports the client");
    assert_serves_a_client(&mut server);
}

/// A server of our own for testing the client: accepts one connection and hands it to `talk`.
fn fake_server(talk: impl FnOnce(TcpStream) + Send + 'static) -> SocketAddr {
    let (address, _) = probe::fake_server(talk).expect("a fake server");
    address
}

#[test]
fn client_sends_the_answer_without_its_newline_then_closes() {
    let (report, received) = mpsc::channel();
    let address = fake_server(move |mut stream| {
        let _ = stream.write_all(QUESTION);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let _ = report.send(answer);
    });
    let output = run_client(&["--port", &address.port().to_string()], "b12345678\r\n");
    assert_eq!(output.code(), 0, "{output:?}");
    let answer = received
        .recv_timeout(procs::STEP_TIMEOUT)
        .expect("the fake server read to the end");
    assert_eq!(answer, b"b12345678");
}

#[test]
fn client_receives_until_the_newline_so_a_question_in_two_pieces_arrives_whole() {
    let (send_rest, rest_wanted) = mpsc::channel::<()>();
    let address = fake_server(move |mut stream| {
        let _ = stream.write_all(b"What's your ");
        if rest_wanted.recv_timeout(procs::STEP_TIMEOUT).is_ok() {
            let _ = stream.write_all(b"student ID?\n");
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
        }
    });
    let port = address.port().to_string();
    let mut client =
        Running::start(Path::new(CLIENT), &["--port", &port, "--trace"]).expect("client starts");
    client.write_stdin("b1\n").expect("type ahead");
    client
        .expect_line(&format!("trace: connect({address}) -> ok"))
        .expect("connected");
    client
        .expect_line("trace: recv(1000) -> 12 bytes \"What's your \"")
        .expect("the first piece alone");
    send_rest.send(()).expect("the server thread waits");
    let finished = client.finish().expect("the client exits");
    assert!(finished.status.success(), "{finished:?}");
    assert_eq!(
        finished.rest,
        [
            "trace: recv(1000) -> 12 bytes \"student ID?\\n\"",
            "What's your student ID? b1",
            "trace: send(2 bytes \"b1\") -> 2",
            "Sent \"b1\"",
            "trace: close()",
        ]
    );
}

#[test]
fn client_reports_a_server_that_closes_before_the_end_of_its_question() {
    let address = fake_server(|mut stream| {
        let _ = stream.write_all(b"What's");
    });
    let output = run_client(&["--port", &address.port().to_string()], "b1\n");
    assert_eq!(output.code(), 1);
    assert_eq!(output.stdout, "");
    assert_eq!(
        output.stderr,
        "error: the server closed the connection before the end of its question: \"What's\"\n"
    );
}

#[test]
fn client_stops_at_1000_bytes_without_a_newline() {
    let address = fake_server(|mut stream| {
        let chunk = [b'?'; 100];
        for _ in 0..1000 {
            if stream.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let output = run_client(&["--port", &address.port().to_string()], "b1\n");
    assert_eq!(output.code(), 1);
    assert_eq!(
        output.stderr,
        "error: the server sent more than 1000 bytes without a newline\n"
    );
}

#[test]
fn client_against_a_port_where_nothing_listens_says_so_and_exits_1() {
    let closed = probe::ClosedPort::new().expect("a reserved port");
    let port = closed.port();
    let output = run_client(&["--port", &port.to_string()], "b1\n");
    assert_eq!(output.code(), 1);
    assert_eq!(output.stdout, "");
    assert_eq!(
        output.stderr,
        format!(
            "error: could not connect to 127.0.0.1:{port}: connection refused (is id-server running?)\n"
        )
    );
}

#[test]
fn client_gives_up_when_the_server_never_asks() {
    let silent = probe::silent_listener().expect("listener");
    let port = silent.local_addr().expect("address").port();
    let output = run_client(&["--port", &port.to_string(), "--timeout", "0.3"], "b1\n");
    assert_eq!(output.code(), 1);
    assert_eq!(output.stdout, "");
    assert_eq!(
        output.stderr,
        "error: no question from the server: nothing arrived for 300 ms (--timeout)\n"
    );
}

#[test]
fn trace_shows_each_socket_call_and_the_bytes_on_both_sides() {
    let mut server = start_server(&["--once", "--trace"]);
    let port = server.port();
    let output = run_client(&["--port", &port.to_string(), "--trace"], "b12345678\n");
    assert_eq!(
        output.stderr,
        format!(
            "trace: connect(127.0.0.1:{port}) -> ok\n\
             trace: recv(1000) -> 24 bytes \"What's your student ID?\\n\"\n\
             trace: send(9 bytes \"b12345678\") -> 9\n\
             trace: close()\n"
        )
    );
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
            "trace: send(24 bytes \"What's your student ID?\\n\") -> 24".to_string(),
            "trace: recv(1000) -> 9 bytes \"b12345678\"".to_string(),
            format!("Student ID from {client}: \"B12345678\""),
            "trace: close()".to_string(),
            format!("closed connection from {client}"),
        ]
    );
}
