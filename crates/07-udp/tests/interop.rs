//! Lesson 7 talks to Python: our server answers a client written like the TA slides' UDP
//! client, and our client talks to a server written like their UDP server. The Python programs
//! are in `tests/python/`. Without `python3`, these tests say that they skip.

use std::path::Path;

use testkit::procs::{self, Server};
use testkit::python_or_skip;

const SERVER: &str = env!("CARGO_BIN_EXE_udp-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_udp-client");

#[test]
fn python_udp_client_gets_data_received_from_udp_server() {
    let python = python_or_skip!("python_udp_client_gets_data_received_from_udp_server");
    let mut server =
        Server::start_on_port_0(Path::new(SERVER), &["--once"]).expect("server starts");
    let port = server.port();
    let output = python
        .run("udp_client.py", &[&port.to_string()], b"")
        .expect("python client runs");
    assert_eq!(output.stderr, "");
    assert_eq!(
        output.stdout,
        format!("reply: data received from 127.0.0.1:{port}\n")
    );
    let rest = server.finish().expect("server exits").rest;
    assert!(
        rest[0].starts_with("Received 11 bytes from 127.0.0.1:"),
        "{rest:?}"
    );
    assert!(rest[0].ends_with(": \"Hello, UDP!\""), "{rest:?}");
}

#[test]
fn udp_client_talks_to_python_udp_server() {
    let python = python_or_skip!("udp_client_talks_to_python_udp_server");
    let mut server = python
        .start_server("udp_server.py", &[])
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
            "Sent \"Hello, UDP!\" to 127.0.0.1:{port} (attempt 1 of 4)\n\
             Received \"data received\" from 127.0.0.1:{port}\n"
        )
    );
    server
        .expect_line("received: Hello, UDP! (11 bytes)")
        .expect("python server prints the message");
}
