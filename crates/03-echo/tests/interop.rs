//! Lesson 3 talks to Python: our server echoes for clients written like the bogotobogo
//! tutorial's, and our client talks to a server written like it. The Python programs are in
//! `tests/python/`. Without `python3`, these tests say that they skip.

use std::path::{Path, PathBuf};

use course::procs::{self, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_echo-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_echo-client");

fn python_program(name: &str) -> String {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name);
    path.to_str().expect("utf-8 path").to_string()
}

fn run_python(args: &[&str]) -> procs::Output {
    procs::run(Path::new("python3"), args, b"").expect("the python program runs")
}

#[test]
fn python_tutorial_client_gets_hello_world_back_without_half_closing() {
    if !procs::python3_available(
        "python_tutorial_client_gets_hello_world_back_without_half_closing",
    ) {
        return;
    }
    let mut server =
        Server::start(Path::new(SERVER), &["--port", "0", "--once"]).expect("server starts");
    let output = run_python(&[&python_program("echo_client.py"), &server.port_arg()]);
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
    if !procs::python3_available(
        "python_threaded_client_gets_a_mebibyte_of_random_bytes_back_exactly",
    ) {
        return;
    }
    let mut server =
        Server::start(Path::new(SERVER), &["--port", "0", "--once"]).expect("server starts");
    let output = run_python(&[
        &python_program("binary_client.py"),
        &server.port_arg(),
        "1048576",
    ]);
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
    if !procs::python3_available("echo_client_talks_to_python_tutorial_server") {
        return;
    }
    let mut server = Server::start(Path::new("python3"), &[&python_program("echo_server.py")])
        .expect("python server starts");
    let port = server.port();
    let output =
        procs::run(Path::new(CLIENT), &["--port", &port.to_string()], b"").expect("client runs");
    assert_eq!(output.stderr, "");
    assert_eq!(
        output.stdout,
        format!("Connected to server at 127.0.0.1:{port}\nReceived \"Hello, world\"\n")
    );
    assert_eq!(output.code(), 0);
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
    if !procs::python3_available("echo_client_sends_a_large_message_through_python_tutorial_server")
    {
        return;
    }
    let mut server = Server::start(Path::new("python3"), &[&python_program("echo_server.py")])
        .expect("python server starts");
    let port = server.port().to_string();
    // 8 MiB: more than the buffers hold, so this needs our client's two threads.
    let output = procs::run(
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
    )
    .expect("client runs");
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
