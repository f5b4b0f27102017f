//! Lesson 4 talks to Python: our servers answer clients written like Kurose & Ross's and like
//! the TA slides', and our clients talk to servers written like them. The Python programs are
//! in `tests/python/`. Without `python3`, these tests say that they skip.

use std::path::Path;

use testkit::procs::{self, Server};
use testkit::python_or_skip;

const UPPERCASE_SERVER: &str = env!("CARGO_BIN_EXE_uppercase-server");
const UPPERCASE_CLIENT: &str = env!("CARGO_BIN_EXE_uppercase-client");
const ID_SERVER: &str = env!("CARGO_BIN_EXE_id-server");
const ID_CLIENT: &str = env!("CARGO_BIN_EXE_id-client");

#[test]
fn python_uppercase_client_that_never_closes_gets_capitals_from_uppercase_server() {
    let python = python_or_skip!(
        "python_uppercase_client_that_never_closes_gets_capitals_from_uppercase_server"
    );
    let mut server =
        Server::start_on_port_0(Path::new(UPPERCASE_SERVER), &["--once"]).expect("server starts");
    let output = python
        .run(
            "uppercase_client.py",
            &[&server.port_arg()],
            "hello, straße!\n".as_bytes(),
        )
        .expect("the python client runs");
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
    let python = python_or_skip!("uppercase_client_gets_capitals_from_python_uppercase_server");
    let mut server = python
        .start_server("uppercase_server.py", &[])
        .expect("the python server starts");
    let output = procs::Output::from(procs::one_shot(
        Path::new(UPPERCASE_CLIENT),
        &["--port", &server.port_arg()],
        "hello, straße!\n".as_bytes(),
    ));
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
    let python = python_or_skip!("python_id_client_answers_id_server");
    let mut server =
        Server::start_on_port_0(Path::new(ID_SERVER), &["--once"]).expect("server starts");
    let output = python
        .run("id_client.py", &[&server.port_arg()], b"b12345678\n")
        .expect("the python client runs");
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
    let python = python_or_skip!("id_client_answers_python_id_server");
    let mut server = python
        .start_server("id_server.py", &[])
        .expect("the python server starts");
    let output = procs::Output::from(procs::one_shot(
        Path::new(ID_CLIENT),
        &["--port", &server.port_arg()],
        b"b12345678\n",
    ));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        "What's your student ID? b12345678\nSent \"b12345678\"\n"
    );
    server
        .expect_line("student id: 'B12345678'")
        .expect("the python server got the answer without a newline");
}
