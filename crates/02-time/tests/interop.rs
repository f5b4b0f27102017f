//! Lesson 2 talks to Python: our server answers a client written like the bogotobogo
//! tutorial's, and our client reads the time from a server written like it. The Python programs
//! are in `tests/python/`. Without `python3`, these tests say that they skip.

use std::path::Path;

use testkit::procs::{self, Server};
use testkit::python_or_skip;

const SERVER: &str = env!("CARGO_BIN_EXE_time-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_time-client");

#[test]
fn python_time_client_gets_the_same_bytes_as_time_ctime_from_time_server() {
    let python =
        python_or_skip!("python_time_client_gets_the_same_bytes_as_time_ctime_from_time_server");
    let mut server =
        Server::start_on_port_0(Path::new(SERVER), &["--once"]).expect("server starts");
    let output = python
        .run("time_client.py", &[&server.port_arg()], b"")
        .expect("python client runs");
    assert_eq!(output.stderr, "");
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", output.stdout);
    assert!(
        lines[0].starts_with("received: b'") && lines[0].ends_with("\\r\\n'"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "same as time.ctime(): True", "{}", output.stdout);
    assert!(server.finish().expect("server exits").status.success());
}

#[test]
fn time_client_prints_the_time_from_python_time_server() {
    let python = python_or_skip!("time_client_prints_the_time_from_python_time_server");
    let mut server = python
        .start_server("time_server.py", &[])
        .expect("python server starts");
    let port = server.port();
    let output = procs::Output::from(procs::one_shot(
        Path::new(CLIENT),
        &["--port", &port.to_string()],
        b"",
    ));
    assert_eq!(output.code(), 0, "{output:?}");
    let sent = server
        .next_line()
        .expect("the python server says what it sent");
    let time = sent.strip_prefix("sent: ").expect("a `sent:` line");
    assert_eq!(
        output.stdout,
        format!("The time got from the server is {time}\n")
    );
}
