//! Lesson 1 talks to Python: our server answers a client written like Tutorial 5's, and our
//! client talks to a server written like it. The Python programs are in `tests/python/`.
//! Without `python3`, these tests say that they skip.

use std::path::{Path, PathBuf};

use course::procs::{self, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_simple-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_simple-client");

fn python_program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name)
}

#[test]
fn python_tutorial_client_gets_its_message_back_from_simple_server() {
    if !procs::python3_available("python_tutorial_client_gets_its_message_back_from_simple_server")
    {
        return;
    }
    let mut server =
        Server::start(Path::new(SERVER), &["--port", "0", "--once"]).expect("server starts");
    let client = python_program("tutorial_client.py");
    let output = procs::run(
        Path::new("python3"),
        &[client.to_str().expect("utf-8 path"), &server.port_arg()],
        b"",
    )
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
    if !procs::python3_available("simple_client_talks_to_python_tutorial_server") {
        return;
    }
    let server_program = python_program("tutorial_server.py");
    let mut server = Server::start(
        Path::new("python3"),
        &[server_program.to_str().expect("utf-8 path")],
    )
    .expect("python server starts");
    let port = server.port();
    let output =
        procs::run(Path::new(CLIENT), &["--port", &port.to_string()], b"").expect("client runs");
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
