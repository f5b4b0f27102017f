//! Black-box tests of `id-server` and `id-client` over real sockets on 127.0.0.1: the server
//! speaks first, the client turns the question into its prompt, and each side copes with the
//! other misbehaving (closing early, never answering, sending garbage).
//!
//! Every server runs on `--port 0` and is used only after its `listening on` line; every wait
//! has a time limit (see `testkit::procs`).

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

use testkit::client::{Conn, StepResult};
use testkit::probe;
use testkit::procs::{self, Running, Server};

use crate::common::{Pair, fake_server, flooding_server};

const SERVER: &str = env!("CARGO_BIN_EXE_id-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_id-client");

const QUESTION: &[u8] = b"What's your student ID?\n";
const PROMPT: &str = "What's your student ID? ";

/// The pair under test.
const ID: Pair = Pair {
    server: SERVER,
    client: CLIENT,
};

/// Runs id-client, typing `b12345678`, and checks both sides exactly.
fn assert_serves_a_client(server: &mut Server) {
    let stdout = format!("{PROMPT}b12345678\nSent \"b12345678\"\n");
    ID.assert_exchange(server, "b12345678\n", &stdout, |client| {
        vec![format!("Student ID from {client}: \"B12345678\"")]
    });
}

/// Answers the question with what `send` sends, checks that the server then closes the
/// connection without a word, and returns our address.
fn answered(server: &Server, send: impl FnOnce(&mut Conn) -> StepResult) -> SocketAddr {
    let mut conn = questioned(server);
    send(&mut conn).expect("send");
    assert_eq!(
        conn.read_to_close(usize::MAX).expect("the server closes"),
        b""
    );
    conn.local_addr().expect("address")
}

/// A connection that has received the whole question.
fn questioned(server: &Server) -> Conn {
    let mut conn = Conn::connect(server.address).expect("connect");
    let question = conn.receive(QUESTION.len()).expect("the question");
    assert_eq!(question, QUESTION);
    conn
}

#[test]
fn client_answers_the_question_with_the_typed_line_exact_output_on_both_sides() {
    let mut server = ID.start_server(&["--once"]);
    assert_serves_a_client(&mut server);
    server
        .expect_success_and_no_more_lines()
        .expect("with --once, the server should exit with 0 and print nothing more");
}

#[test]
fn server_speaks_first_and_prints_the_answer_in_capitals() {
    let mut server = ID.start_server(&[]);
    let client = answered(&server, |conn| conn.send("straße-7".as_bytes()));
    server.expect_accepted_from(client).expect("accept line");
    // Decoded first, then upper-cased: ß becomes SS (upper-casing the bytes would keep ß).
    server
        .expect_line(&format!("Student ID from {client}: \"STRASSE-7\""))
        .expect("the answer in capitals");
}

#[test]
fn server_reports_an_answer_that_is_not_utf8_in_one_line() {
    let mut server = ID.start_server(&[]);
    let client = answered(&server, |conn| conn.send(&[0xff, 0xfe]));
    server
        .expect_accepted_then_problem(client, "answered with data that is not UTF-8 text: ff fe")
        .expect("the server should name the client and the problem");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_reads_once_so_an_answer_sent_byte_by_byte_is_cut_to_its_first_piece() {
    let mut server = ID.start_server(&[]);
    let client = answered(&server, |conn| conn.send_bytewise(b"b"));
    server.expect_accepted_from(client).expect("accept line");
    server
        .expect_line(&format!("Student ID from {client}: \"B\""))
        .expect("only the first byte");
    server.expect_closed(client).expect("close line");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_takes_several_lines_sent_in_one_write_as_one_answer() {
    let mut server = ID.start_server(&[]);
    let client = answered(&server, |conn| conn.send(b"b1\nb2\n"));
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
    let mut server = ID.start_server(&["--once"]);
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
    let mut server = ID.start_server(&[]);
    ID.run_client(&["--port", &server.port_arg()], "")
        .code(1)
        .stdout(format!("{PROMPT}\n"))
        .stderr("error: stdin was closed before an answer was typed (Ctrl-D?): nothing sent\n");
    let client = server.expect_accepted().expect("accept line");
    server
        .expect_client_problem(client, "closed the connection without answering")
        .expect("the server reports the silent client");
    assert_serves_a_client(&mut server);
}

#[test]
fn client_refuses_an_empty_answer_and_sends_nothing() {
    let mut server = ID.start_server(&[]);
    ID.run_client(&["--port", &server.port_arg()], "\n")
        .code(1)
        .stdout(format!("{PROMPT}\n"))
        .stderr("error: the answer is empty: type your student ID, then press Enter\n");
    server
        .wait_for(|line| line.ends_with(": closed the connection without answering"))
        .expect("the server reports the client");
    assert_serves_a_client(&mut server);
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
    let output = procs::Output::from(
        ID.run_client(&["--port", &address.port().to_string()], "b12345678\r\n"),
    );
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
    ID.run_client(&["--port", &address.port().to_string()], "b1\n")
        .code(1)
        .stdout("")
        .stderr(
            "error: the server closed the connection before the end of its question: \"What's\"\n",
        );
}

#[test]
fn client_stops_at_1000_bytes_without_a_newline() {
    let address = flooding_server(b'?');
    ID.run_client(&["--port", &address.port().to_string()], "b1\n")
        .code(1)
        .stderr("error: the server sent more than 1000 bytes without a newline\n");
}

#[test]
fn client_gives_up_when_the_server_never_asks() {
    let silent = probe::silent_listener().expect("listener");
    let port = silent.local_addr().expect("address").port();
    ID.run_client(&["--port", &port.to_string(), "--timeout", "0.3"], "b1\n")
        .code(1)
        .stdout("")
        .stderr("error: no question from the server: nothing arrived for 300 ms (--timeout)\n");
}

#[test]
fn trace_shows_each_socket_call_and_the_bytes_on_both_sides() {
    let mut server = ID.start_server(&["--once", "--trace"]);
    let port = server.port();
    ID.run_client(&["--port", &port.to_string(), "--trace"], "b12345678\n")
        .stderr(format!(
            "trace: connect(127.0.0.1:{port}) -> ok\n\
             trace: recv(1000) -> 24 bytes \"What's your student ID?\\n\"\n\
             trace: send(9 bytes \"b12345678\") -> 9\n\
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
            "trace: send(24 bytes \"What's your student ID?\\n\") -> 24".to_string(),
            "trace: recv(1000) -> 9 bytes \"b12345678\"".to_string(),
            format!("Student ID from {client}: \"B12345678\""),
            "trace: close()".to_string(),
            format!("closed connection from {client}"),
        ]
    );
}
