//! Black-box tests of `average-server` and `average-client`, the tutorial's exercise: JSON
//! arrays of numbers in length-prefixed strings. A bad request gets a JSON error and the
//! connection stays open; a broken frame is reported in one line and the connection closed.

use crate::common;

use std::path::Path;

use common::{Framed, frame};
use testkit::client::Conn;
use testkit::probe;
use testkit::procs::{self, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_average-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_average-client");

const AVERAGE: Framed = Framed {
    program: SERVER,
    context: "could not receive a request",
    serve_one: assert_serves_a_client,
};

fn run_client(args: &[&str], stdin: &str) -> procs::Assert {
    procs::one_shot(Path::new(CLIENT), args, stdin.as_bytes())
}

/// Asks `server` for the average of 1, 2 and 3.5 and checks both sides.
fn assert_serves_a_client(server: &mut Server) {
    run_client(&["--port", &server.port_arg(), "1", "2", "3.5"], "")
        .stderr("")
        .stdout("request: [1, 2, 3.5]\naverage: 2.1666666666666665\n")
        .code(0);
    let client = server.expect_accepted().expect("accept line");
    server
        .expect_line("request \"[1, 2, 3.5]\" -> reply 2.1666666666666665")
        .expect("the request and the reply");
    server.expect_closed(client).expect("close line");
}

/// Sends `request` in a frame on `conn` and returns the reply frame's text.
fn ask(conn: &mut Conn, request: &[u8]) -> String {
    conn.send(&frame(request)).expect("send the request");
    let header = conn.receive(8).expect("the reply's header");
    let size: usize = String::from_utf8(header)
        .expect("an ASCII header")
        .parse()
        .expect("8 digits");
    String::from_utf8(conn.receive(size).expect("the reply")).expect("UTF-8")
}

#[test]
fn client_and_server_average_numbers_from_the_command_line() {
    let mut server = AVERAGE.start(&["--once"]);
    assert_serves_a_client(&mut server);
    assert!(server.finish().expect("exit").status.success());
}

#[test]
fn client_reads_numbers_from_stdin_separated_by_spaces_or_newlines() {
    let mut server = AVERAGE.start(&["--once"]);
    let output = procs::Output::from(run_client(
        &["--port", &server.port_arg()],
        "4 5\n6\n\n-3.5\n",
    ));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(output.stdout, "request: [4, 5, 6, -3.5]\naverage: 2.875\n");
    server.finish().expect("exit");
}

#[test]
fn negative_numbers_on_the_command_line_are_numbers_not_options() {
    let mut server = AVERAGE.start(&["--once"]);
    run_client(&["--port", &server.port_arg(), "-1", "-2"], "")
        .stdout("request: [-1, -2]\naverage: -1.5\n");
    server.finish().expect("exit");
}

#[test]
fn two_i64_max_average_to_about_9_22e18_without_overflow() {
    let mut server = AVERAGE.start(&["--once"]);
    let max = i64::MAX.to_string();
    run_client(&["--port", &server.port_arg(), &max, &max], "").stdout(
        "request: [9223372036854775807, 9223372036854775807]\naverage: 9.223372036854776e+18\n",
    );
    server.finish().expect("exit");
}

#[test]
fn numbers_whose_sum_is_too_big_for_f64_still_have_an_average() {
    let mut server = AVERAGE.start(&["--once"]);
    run_client(&["--port", &server.port_arg(), "1e308", "1e308"], "")
        .stdout("request: [1e+308, 1e+308]\naverage: 1e+308\n");
    server.finish().expect("exit");
}

#[test]
fn three_largest_f64_average_to_the_largest_f64_not_null() {
    // Their sum is infinite, and so is the sum of their thirds (each rounds up a little):
    // JSON has no infinity, so a server that overflows replies `null`.
    let mut server = AVERAGE.start(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    let max = "1.7976931348623157e308";
    assert_eq!(
        ask(&mut conn, format!("[{max}, {max}, {max}]").as_bytes()),
        "1.7976931348623157e+308"
    );
    assert_eq!(
        ask(
            &mut conn,
            format!("[{max}, -{max}, {max}, -{max}]").as_bytes()
        ),
        "0.0"
    );
    assert_eq!(
        ask(&mut conn, format!("[-{max}, -{max}]").as_bytes()),
        "-1.7976931348623157e+308"
    );
    let client = conn.local_addr().expect("address");
    drop(conn);
    server
        .expect_accepted_from(client)
        .expect("the server should accept the client");
    server
        .expect_line(
            "request \"[1.7976931348623157e308, 1.7976931348623157e308, 1.7976931348623\" \
             ... (8 more bytes) -> reply 1.7976931348623157e+308",
        )
        .expect("the request and its reply");
}

#[test]
fn client_refuses_a_word_that_is_not_a_number_before_connecting() {
    let closed = probe::ClosedPort::new().expect("a reserved port");
    run_client(&["--port", &closed.port().to_string(), "1", "two"], "")
        .code(1)
        .stderr("error: \"two\" is not a number (write numbers like 3, -2 or 4.5)\n");
}

#[test]
fn client_shows_the_servers_error_for_an_empty_list_and_exits_1() {
    let mut server = AVERAGE.start(&["--once"]);
    run_client(&["--port", &server.port_arg()], "\n")
        .code(1)
        .stdout("request: []\n")
        .stderr("error: the server refused the request: the list is empty: an average needs at least one number\n");
    server.finish().expect("exit");
}

#[test]
fn bad_requests_get_a_json_error_and_the_connection_stays_open() {
    let mut server = AVERAGE.start(&["--once"]);
    let requests = [
        "[1,2]",
        "[]",
        "not json",
        "[1, \"two\"]",
        "{\"a\":1}",
        "[1e400]",
        "[4]",
    ];
    let mut args = vec!["--port".to_string(), server.port_arg()];
    for request in requests {
        args.extend(["--json".to_string(), request.to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = procs::Output::from(run_client(&args, ""));
    assert_eq!(output.code(), 0, "{output:?}");
    let replies = [
        "1.5",
        r#"{"error":"the list is empty: an average needs at least one number"}"#,
        r#"{"error":"the request is not JSON: expected ident at line 1 column 2"}"#,
        r#"{"error":"item 2 of the list is a string, not a number"}"#,
        r#"{"error":"the request must be a JSON array of numbers, like [1, 2, 3.5], not an object"}"#,
        r#"{"error":"the request is not JSON: number out of range at line 1 column 6"}"#,
        "4.0",
    ];
    let expected: String = requests
        .iter()
        .zip(replies)
        .map(|(request, reply)| format!("request: {request}\nreply: {reply}\n"))
        .collect();
    assert_eq!(output.stdout, expected);
    // All on one connection: one accept, seven answers, one close.
    let rest = server.finish().expect("exit").rest;
    assert_eq!(rest.len(), 9, "{rest:?}");
    assert!(rest[0].starts_with("accepted connection from "));
    assert_eq!(
        rest[2],
        r#"request "[]" -> reply {"error":"the list is empty: an average needs at least one number"}"#
    );
    assert!(rest[8].starts_with("closed connection from "));
}

#[test]
fn replies_are_length_prefixed_json_byte_for_byte() {
    let mut server = AVERAGE.start(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send(b"00000002[]").expect("an empty list");
    let error = br#"{"error":"the list is empty: an average needs at least one number"}"#;
    assert_eq!(conn.receive(8 + error.len()).expect("reply"), frame(error));
    assert_eq!(ask(&mut conn, b"[1, 2]"), "1.5");
    let client = conn.local_addr().expect("address");
    drop(conn);
    server
        .expect_accepted_from(client)
        .expect("the server should accept the client");
    server.wait_for_closed(client).expect("closed");
    assert_serves_a_client(&mut server);
}

#[test]
fn invalid_utf8_in_a_whole_frame_is_a_bad_request_not_a_broken_connection() {
    let mut server = AVERAGE.start(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    assert_eq!(
        ask(&mut conn, b"[1, \xff]"),
        r#"{"error":"the request is not UTF-8 text"}"#
    );
    assert_eq!(ask(&mut conn, b"[3]"), "3.0");
    let client = conn.local_addr().expect("address");
    drop(conn);
    server
        .expect_accepted_from(client)
        .expect("the server should accept the client");
    server
        .expect_line(
            r#"request 5b 31 2c 20 ff 5d -> reply {"error":"the request is not UTF-8 text"}"#,
        )
        .expect("the bad request, in hex");
    server
        .expect_line("request \"[3]\" -> reply 3.0")
        .expect("the next request");
    server
        .expect_closed(client)
        .expect("the server should close the connection normally");
}

#[test]
fn several_requests_in_one_write_and_one_sent_byte_by_byte_are_all_answered() {
    let mut server = AVERAGE.start(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send(&[frame(b"[1]"), frame(b"[2, 4]")].concat())
        .expect("two requests in one write");
    conn.send_bytewise(&frame(b"[10, 20]"))
        .expect("byte by byte");
    conn.half_close().expect("done");
    assert_eq!(
        conn.read_to_close(usize::MAX).expect("three replies"),
        [frame(b"1.0"), frame(b"3.0"), frame(b"15.0")].concat()
    );
    let client = conn.local_addr().expect("address");
    server
        .expect_accepted_from(client)
        .expect("the server should accept the client");
    for line in [
        "request \"[1]\" -> reply 1.0",
        "request \"[2, 4]\" -> reply 3.0",
        "request \"[10, 20]\" -> reply 15.0",
    ] {
        server.expect_line(line).expect("each request");
    }
    server
        .expect_closed(client)
        .expect("the server should close the connection normally");
}

#[test]
fn server_refuses_a_header_that_is_not_a_number() {
    AVERAGE.assert_reports(
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
    AVERAGE.assert_reports(
        &[],
        "the length header \"-0000001\" is not 8 decimal digits (like \"00000005\")",
        |mut conn| {
            conn.send(b"-0000001").expect("send");
            Some(conn)
        },
    );
}

#[test]
fn server_refuses_a_huge_header_before_reading_the_request() {
    AVERAGE.assert_reports(
        &[],
        "a message of 99999999 bytes is over the limit of 65536 bytes (--max-bytes)",
        |mut conn| {
            conn.send(b"99999999999").expect("send");
            Some(conn)
        },
    );
}

#[test]
fn server_reports_a_header_promising_more_bytes_than_the_client_sends() {
    AVERAGE.assert_reports(
        &[],
        "the connection closed in the middle of a message: 4 of 10 bytes never arrived",
        |mut conn| {
            conn.send(b"00000010[1, 2]").expect("send");
            conn.half_close().expect("close our side");
            Some(conn)
        },
    );
}
