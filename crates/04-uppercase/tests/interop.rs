//! Lesson 4 talks to Python: our servers answer clients written like Kurose & Ross's and like
//! the TA slides', and our clients talk to servers written like them. The Python programs are
//! in `tests/python/`. Without `python3`, these tests say that they skip.

use std::path::{Path, PathBuf};

use course::procs::{self, Server};

const UPPERCASE_SERVER: &str = env!("CARGO_BIN_EXE_uppercase-server");
const UPPERCASE_CLIENT: &str = env!("CARGO_BIN_EXE_uppercase-client");
const ID_SERVER: &str = env!("CARGO_BIN_EXE_id-server");
const ID_CLIENT: &str = env!("CARGO_BIN_EXE_id-client");

fn python_program(name: &str) -> String {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name);
    path.to_str().expect("utf-8 path").to_string()
}

fn run_python(program: &str, port: &str, typed: &str) -> procs::Output {
    procs::run(
        Path::new("python3"),
        &[&python_program(program), port],
        typed.as_bytes(),
    )
    .expect("the python client runs")
}

fn start_python_server(program: &str) -> Server {
    Server::start(Path::new("python3"), &[&python_program(program)])
        .expect("the python server starts")
}

#[test]
fn python_uppercase_client_that_never_closes_gets_capitals_from_uppercase_server() {
    if !procs::python3_available(
        "python_uppercase_client_that_never_closes_gets_capitals_from_uppercase_server",
    ) {
        return;
    }
    let mut server = Server::start(Path::new(UPPERCASE_SERVER), &["--port", "0", "--once"])
        .expect("server starts");
    let output = run_python(
        "uppercase_client.py",
        &server.port_arg(),
        "hello, straße!\n",
    );
    assert_eq!(output.stderr, "");
    // input() shows its prompt; what was typed is not echoed by a pipe.
    assert_eq!(output.stdout, "Input lowercase sentence:HELLO, STRASSE!\n");
    let rest = server.finish().expect("server exits").rest;
    assert!(
        rest[1].starts_with("Received \"hello, straße!\" from 127.0.0.1:"),
        "{rest:?}"
    );
}

#[test]
fn uppercase_client_gets_capitals_from_python_uppercase_server() {
    if !procs::python3_available("uppercase_client_gets_capitals_from_python_uppercase_server") {
        return;
    }
    let mut server = start_python_server("uppercase_server.py");
    let output = procs::run(
        Path::new(UPPERCASE_CLIENT),
        &["--port", &server.port_arg()],
        "hello, straße!\n".as_bytes(),
    )
    .expect("client runs");
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        "Input lowercase sentence:hello, straße!\nHELLO, STRASSE!\n"
    );
    server
        .expect_line("received: 'hello, straße!'")
        .expect("the python server got the sentence without a newline");
}

#[test]
fn python_id_client_answers_id_server() {
    if !procs::python3_available("python_id_client_answers_id_server") {
        return;
    }
    let mut server =
        Server::start(Path::new(ID_SERVER), &["--port", "0", "--once"]).expect("server starts");
    let output = run_python("id_client.py", &server.port_arg(), "b12345678\n");
    assert_eq!(output.stderr, "");
    // The question, newline included, is input()'s prompt.
    assert_eq!(output.stdout, "What's your student ID?\n");
    let rest = server.finish().expect("server exits").rest;
    assert!(
        rest[1].starts_with("Student ID from 127.0.0.1:") && rest[1].ends_with(": \"B12345678\""),
        "{rest:?}"
    );
}

#[test]
fn id_client_answers_python_id_server() {
    if !procs::python3_available("id_client_answers_python_id_server") {
        return;
    }
    let mut server = start_python_server("id_server.py");
    let output = procs::run(
        Path::new(ID_CLIENT),
        &["--port", &server.port_arg()],
        b"b12345678\n",
    )
    .expect("client runs");
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        "What's your student ID? b12345678\nSent \"b12345678\"\n"
    );
    server
        .expect_line("student id: 'B12345678'")
        .expect("the python server got the answer without a newline");
}
