//! Black-box tests of `string-server` and `string-client` over real sockets: length-prefixed
//! strings (`00000005Hello`) come through whole however the bytes are cut, and every broken
//! frame a client can send is reported in one line while the next client is served.

use crate::common;

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;

use common::{Framed, frame};
use testkit::client::Conn;
use testkit::probe;
use testkit::procs::{self, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_string-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_string-client");

const STRINGS: Framed = Framed {
    program: SERVER,
    context: "could not receive a string",
    serve_one: assert_serves_a_client,
};

fn run_client(args: &[&str]) -> procs::Assert {
    procs::one_shot(Path::new(CLIENT), args, b"")
}

/// Runs string-client with its default messages against `server` and checks both sides.
fn assert_serves_a_client(server: &mut Server) {
    let port = server.port();
    run_client(&["--port", &port.to_string()])
        .stderr("")
        .stdout(format!(
            "connected to 127.0.0.1:{port}\n\
             sent \"Hello\" (header 00000005)\nreceived \"Hello\"\n\
             sent \"World\" (header 00000005)\nreceived \"World\"\n"
        ))
        .code(0);
    let client = server.expect_accepted().expect("accept line");
    for line in ["received \"Hello\"", "received \"World\""] {
        server.expect_line(line).expect("the server's side");
    }
    server.expect_closed(client).expect("the server's side");
}

#[test]
fn client_and_server_exchange_two_strings_with_exact_output_on_both_sides() {
    let mut server = STRINGS.start(&["--once"]);
    assert_serves_a_client(&mut server);
    server
        .expect_success_and_no_more_lines()
        .expect("with --once, the server should exit with 0 and print nothing more");
}

#[test]
fn the_header_counts_utf8_bytes_not_characters_and_empty_strings_work() {
    let mut server = STRINGS.start(&["--once"]);
    let port = server.port_arg();
    let output = procs::Output::from(run_client(&[
        "--port",
        &port,
        "--message",
        "straße",
        "--message",
        "",
    ]));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        format!(
            "connected to 127.0.0.1:{port}\n\
             sent \"straße\" (header 00000007)\nreceived \"straße\"\n\
             sent \"\" (header 00000000)\nreceived \"\"\n"
        )
    );
    let rest = server.finish().expect("exit").rest;
    assert_eq!(rest[1..3], ["received \"straße\"", "received \"\""]);
}

#[test]
fn server_answers_each_of_several_frames_sent_in_one_write() {
    let mut server = STRINGS.start(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    let client = conn.local_addr().expect("address");
    let frames = [frame(b"Hello"), frame(b""), frame(b"World")].concat();
    assert_eq!(frames, b"00000005Hello0000000000000005World");
    conn.send(&frames).expect("three frames in one write");
    conn.half_close().expect("done sending");
    assert_eq!(
        conn.read_to_close(usize::MAX).expect("replies"),
        b"00000005Hello0000000000000005World"
    );
    server
        .expect_accepted_from(client)
        .expect("the server should accept the client");
    for line in ["received \"Hello\"", "received \"\"", "received \"World\""] {
        server.expect_line(line).expect("each frame on its own");
    }
    server
        .expect_closed(client)
        .expect("the server should close the connection normally");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_reassembles_a_frame_sent_one_byte_per_write() {
    let mut server = STRINGS.start(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send_bytewise(&frame("grüße".as_bytes()))
        .expect("one byte at a time");
    assert_eq!(
        conn.receive(15).expect("the reply"),
        frame("grüße".as_bytes())
    );
    let client = conn.local_addr().expect("address");
    drop(conn);
    server
        .expect_accepted_from(client)
        .expect("the server should accept the client");
    server.expect_line("received \"grüße\"").expect("whole");
    server
        .expect_closed(client)
        .expect("the server should close the connection normally");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_reports_invalid_utf8_inside_a_frame() {
    STRINGS.assert_reports(
        &[],
        "the message is not UTF-8 text (invalid bytes from position 2)",
        |mut conn| {
            conn.send(&frame(b"ok\xff\xfe")).expect("send");
            Some(conn)
        },
    );
}

#[test]
fn server_refuses_a_header_that_is_not_a_number() {
    STRINGS.assert_reports(
        &[],
        "the length header \"abcdefgh\" is not 8 decimal digits (like \"00000005\")",
        |mut conn| {
            conn.send(b"abcdefgh").expect("send");
            Some(conn)
        },
    );
}

#[test]
fn server_refuses_a_negative_header() {
    STRINGS.assert_reports(
        &[],
        "the length header \"-0000001\" is not 8 decimal digits (like \"00000005\")",
        |mut conn| {
            conn.send(b"-0000001").expect("send");
            Some(conn)
        },
    );
}

#[test]
fn server_refuses_a_huge_header_before_reading_the_message() {
    STRINGS.assert_reports(
        &[],
        "a message of 99999999 bytes is over the limit of 65536 bytes (--max-bytes)",
        |mut conn| {
            conn.send(b"99999999999").expect("send");
            Some(conn)
        },
    );
}

#[test]
fn server_refuses_a_message_over_max_bytes() {
    STRINGS.assert_reports(
        &["--max-bytes", "5"],
        "a message of 6 bytes is over the limit of 5 bytes (--max-bytes)",
        |mut conn| {
            conn.send(b"00000006Hello!").expect("send");
            Some(conn)
        },
    );
}

#[test]
fn server_reports_a_header_promising_more_bytes_than_the_client_sends() {
    STRINGS.assert_reports(
        &[],
        "the connection closed in the middle of a message: 5 of 10 bytes never arrived",
        |mut conn| {
            conn.send(b"00000010Hello").expect("send");
            conn.half_close().expect("close our side");
            Some(conn)
        },
    );
}

#[test]
fn server_reports_a_connection_closed_inside_the_header() {
    STRINGS.assert_reports(
        &[],
        "the connection closed in the middle of a message: 5 of 8 bytes never arrived",
        |mut conn| {
            conn.send(b"000").expect("send");
            conn.half_close().expect("close our side");
            Some(conn)
        },
    );
}

#[test]
fn client_reports_a_server_that_closes_without_replying() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listener");
    let port = listener.local_addr().expect("address").port();
    let server = std::thread::spawn(move || {
        let (mut connection, _) = listener.accept().expect("accept");
        let mut request = [0u8; 13];
        connection.read_exact(&mut request).expect("the request");
        request
    });
    let output = procs::Output::from(run_client(&[
        "--port",
        &port.to_string(),
        "--message",
        "Hello",
    ]));
    assert_eq!(server.join().expect("server thread"), *b"00000005Hello");
    assert_eq!(output.code(), 1);
    assert_eq!(
        output.stderr,
        "error: the server closed the connection without replying\n"
    );
}

#[test]
fn client_gives_up_when_the_server_never_replies() {
    let silent = probe::silent_listener().expect("listener");
    let port = silent.local_addr().expect("address").port();
    run_client(&["--port", &port.to_string(), "--timeout", "0.3"])
        .code(1)
        .stderr("error: could not receive the reply: nothing arrived for 300 ms (--timeout)\n");
}

#[test]
fn trace_shows_one_send_per_string_and_the_header_read_before_the_body() {
    let mut server = STRINGS.start(&["--once", "--trace"]);
    let port = server.port();
    run_client(&["--port", &port.to_string(), "--message", "Hi", "--trace"]).stderr(format!(
        "trace: connect(127.0.0.1:{port}) -> ok\n\
             trace: send(10 bytes \"00000002Hi\") -> 10\n\
             trace: recv(8) -> 8 bytes \"00000002\"\n\
             trace: recv(2) -> 2 bytes \"Hi\"\n\
             trace: close()\n"
    ));
    let rest = server.finish().expect("exit").rest;
    assert_eq!(
        rest[2..7],
        [
            "trace: recv(8) -> 8 bytes \"00000002\"",
            "trace: recv(2) -> 2 bytes \"Hi\"",
            "received \"Hi\"",
            "trace: send(10 bytes \"00000002Hi\") -> 10",
            "trace: recv(8) -> 0 bytes (end of stream: the peer closed its side)",
        ]
    );
}
