//! Lesson 5 talks to Python: length-prefixed strings in the tutorial's format, both ways, for
//! the string and average programs, and the split experiment against a Python server that reads
//! once. The Python programs are in `tests/python/` (`framing.py` holds the string helpers,
//! written like the tutorial's). Without `python3`, these tests say that they skip.

use std::path::Path;

use testkit::procs::{self, Server};
use testkit::python_or_skip;

fn bin(name: &str) -> &'static Path {
    Path::new(match name {
        "string-server" => env!("CARGO_BIN_EXE_string-server"),
        "string-client" => env!("CARGO_BIN_EXE_string-client"),
        "average-server" => env!("CARGO_BIN_EXE_average-server"),
        "average-client" => env!("CARGO_BIN_EXE_average-client"),
        "stream-client" => env!("CARGO_BIN_EXE_stream-client"),
        _ => panic!("no binary {name}"),
    })
}

#[test]
fn python_string_client_gets_each_string_back_from_string_server() {
    let python = python_or_skip!("python_string_client_gets_each_string_back_from_string_server");
    let mut server =
        Server::start_on_port_0(bin("string-server"), &["--once"]).expect("string-server starts");
    let output = python
        .run(
            "string_client.py",
            &[&server.port_arg(), "Hello", "straße", ""],
            b"",
        )
        .expect("the Python program runs");
    assert_eq!(output.stderr, "");
    assert_eq!(output.stdout, "reply: Hello\nreply: straße\nreply: \n");
    let rest = server.finish().expect("exit").rest;
    assert_eq!(
        rest[1..4],
        ["received \"Hello\"", "received \"straße\"", "received \"\""]
    );
}

#[test]
fn string_client_talks_to_python_string_server() {
    let python = python_or_skip!("string_client_talks_to_python_string_server");
    let mut server = python
        .start_server("string_server.py", &[])
        .expect("python server starts");
    let port = server.port();
    let output = procs::Output::from(procs::one_shot(
        bin("string-client"),
        &[
            "--port",
            &port.to_string(),
            "--message",
            "grüße",
            "--message",
            "World",
        ],
        b"",
    ));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        format!(
            "connected to 127.0.0.1:{port}\n\
             sent \"grüße\" (header 00000007)\nreceived \"grüße\"\n\
             sent \"World\" (header 00000005)\nreceived \"World\"\n"
        )
    );
    let rest = server.finish().expect("python server exits").rest;
    assert_eq!(rest, ["received: grüße", "received: World"]);
}

#[test]
fn python_average_client_gets_averages_and_errors_from_average_server() {
    let python =
        python_or_skip!("python_average_client_gets_averages_and_errors_from_average_server");
    let mut server =
        Server::start_on_port_0(bin("average-server"), &["--once"]).expect("average-server starts");
    let output = python
        .run(
            "average_client.py",
            &[&server.port_arg(), "[1, 2, 3.5]", "[]", "[10]"],
            b"",
        )
        .expect("the Python program runs");
    assert_eq!(output.stderr, "");
    assert_eq!(
        output.stdout,
        "reply: 2.1666666666666665\n\
         reply: {\"error\":\"the list is empty: an average needs at least one number\"}\n\
         reply: 10.0\n"
    );
    assert!(server.finish().expect("exit").status.success());
}

#[test]
fn average_client_talks_to_python_average_server() {
    let python = python_or_skip!("average_client_talks_to_python_average_server");
    let mut server = python
        .start_server("average_server.py", &[])
        .expect("python server starts");
    let output = procs::Output::from(procs::one_shot(
        bin("average-client"),
        &["--port", &server.port_arg(), "1", "2", "3.5"],
        b"",
    ));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        "request: [1, 2, 3.5]\naverage: 2.1666666666666665\n"
    );
    let rest = server.finish().expect("python server exits").rest;
    assert_eq!(rest, ["request: [1, 2, 3.5] reply: 2.1666666666666665"]);
}

#[test]
fn stream_client_split_against_a_python_server_that_reads_once() {
    let python = python_or_skip!("stream_client_split_against_a_python_server_that_reads_once");
    let mut server = python
        .start_server("stream_server.py", &[])
        .expect("python server starts");
    let output = procs::Output::from(procs::one_shot(
        bin("stream-client"),
        &[
            "--port",
            &server.port_arg(),
            "--mode",
            "split",
            "--pause",
            "5",
        ],
        b"",
    ));
    assert_eq!(output.code(), 0, "{output:?}");
    assert!(
        output
            .stdout
            .contains("the server closed the connection: its one read is over\n"),
        "{}",
        output.stdout
    );
    assert_eq!(server.finish().expect("exit").rest, [":Hello:"]);
}
