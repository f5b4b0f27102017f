//! Lesson 1 talks to Python: our server answers a client written like Tutorial 5's, and our
//! client talks to a server written like it. The Python programs are in `tests/python/`.
//! Without `python3`, these tests say that they skip.

use std::path::Path;

use testkit::procs::{self, Server};
use testkit::python_or_skip;

const SERVER: &str = env!("CARGO_BIN_EXE_simple-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_simple-client");

#[test]
fn python_tutorial_client_gets_its_message_back_from_simple_server() {
    let python = python_or_skip!("python_tutorial_client_gets_its_message_back_from_simple_server");
    let mut server =
        Server::start_on_port_0(Path::new(SERVER), &["--once"]).expect("server starts");
    let output = python
        .run("tutorial_client.py", &[&server.port_arg()], b"")
        .expect("python client runs");
    assert_eq!(output.stderr, "");
    assert_eq!(output.stdout, "reply: Hello Server!\n");
    let rest = server.finish().expect("server exits").rest;
    assert!(
        rest[1].starts_with("Received \"Hello Server!\" from 127.0.0.1:"),
        "{rest:?}"
    );
}

#[test]
fn simple_client_talks_to_python_tutorial_server() {
    let python = python_or_skip!("simple_client_talks_to_python_tutorial_server");
    let mut server = python
        .start_server("tutorial_server.py", &[])
        .expect("python server starts");
    let port = server.port();
    let output = procs::Output::from(procs::one_shot(
        Path::new(CLIENT),
        &["--port", &port.to_string()],
        b"",
    ));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        format!(
            "Connected to server at 127.0.0.1:{port}\nSent \"Hello Server!\"\nReceived \"Hello Server!\"\n"
        )
    );
    server
        .expect_line("received: Hello Server!")
        .expect("python server prints the message");
}
