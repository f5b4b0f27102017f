//! Lesson 3 talks to Python: our server echoes for clients written like the bogotobogo
//! tutorial's, and our client talks to a server written like it. The Python programs are in
//! `tests/python/`. Without `python3`, these tests say that they skip.

use std::path::Path;

use testkit::procs::{self, Server};
use testkit::python_or_skip;

const SERVER: &str = env!("CARGO_BIN_EXE_echo-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_echo-client");

#[test]
fn python_tutorial_client_gets_hello_world_back_without_half_closing() {
    let python =
        python_or_skip!("python_tutorial_client_gets_hello_world_back_without_half_closing");
    let mut server =
        Server::start_on_port_0(Path::new(SERVER), &["--once"]).expect("server starts");
    let output = python
        .run("echo_client.py", &[&server.port_arg()], b"")
        .expect("the python client runs");
    assert_eq!(output.stderr, "");
    assert_eq!(output.stdout, "Received b'Hello, world'\n");
    let rest = server.finish().expect("server exits").rest;
    assert!(
        rest[1].starts_with("echoed 12 bytes to 127.0.0.1:"),
        "{rest:?}"
    );
}

#[test]
fn python_threaded_client_gets_a_mebibyte_of_random_bytes_back_exactly() {
    let python =
        python_or_skip!("python_threaded_client_gets_a_mebibyte_of_random_bytes_back_exactly");
    let mut server =
        Server::start_on_port_0(Path::new(SERVER), &["--once"]).expect("server starts");
    let output = python
        .run("binary_client.py", &[&server.port_arg(), "1048576"], b"")
        .expect("the python client runs");
    assert_eq!(output.stderr, "");
    assert_eq!(output.stdout, "echoed 1048576 bytes exactly\n");
    let rest = server.finish().expect("server exits").rest;
    assert!(
        rest[1].starts_with("echoed 1048576 bytes to 127.0.0.1:"),
        "{rest:?}"
    );
}

#[test]
fn echo_client_talks_to_python_tutorial_server() {
    let python = python_or_skip!("echo_client_talks_to_python_tutorial_server");
    let mut server = python
        .start_server("echo_server.py", &[])
        .expect("python server starts");
    let port = server.port();
    procs::one_shot(Path::new(CLIENT), &["--port", &port.to_string()], b"")
        .stderr("")
        .stdout(format!(
            "Connected to server at 127.0.0.1:{port}\nReceived \"Hello, world\"\n"
        ))
        .code(0);
    let line = server.next_line().expect("python server's line");
    assert!(line.starts_with("Connected by ('127.0.0.1', "), "{line}");
    assert!(
        server
            .finish()
            .expect("python server exits")
            .status
            .success()
    );
}

#[test]
fn echo_client_sends_a_large_message_through_python_tutorial_server() {
    let python =
        python_or_skip!("echo_client_sends_a_large_message_through_python_tutorial_server");
    let mut server = python
        .start_server("echo_server.py", &[])
        .expect("python server starts");
    let port = server.port().to_string();
    // 8 MiB: more than the buffers hold, so this needs our client's two threads.
    let output = procs::Output::from(procs::one_shot(
        Path::new(CLIENT),
        &[
            "--port",
            &port,
            "--message",
            "0123456789abcdef",
            "--repeat",
            "524288",
        ],
        b"",
    ));
    assert_eq!(output.stderr, "");
    assert!(
        output.stdout.ends_with(" ... (8388544 more bytes)\n"),
        "{}",
        output.stdout
    );
    assert!(
        server
            .finish()
            .expect("python server exits")
            .status
            .success()
    );
}
