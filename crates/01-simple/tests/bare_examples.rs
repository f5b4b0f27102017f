//! Lesson 1's first listings, `examples/bare-server.rs` and `examples/bare-client.rs`, run
//! against each other over a real socket, as `cargo run --example ...` runs them; and the
//! weakness the lesson shows next: one bad client stops the bare server.
//!
//! A test only knows its package's binaries, not its examples, so it builds the examples with
//! cargo first and finds them in `target/<profile>/examples/`.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use testkit::bins;
use testkit::client::Conn;
use testkit::procs::Server;

/// Builds the examples of this package once per test run and returns their directory.
fn examples_dir() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let mut build = Command::new(cargo);
            build.args([
                "build",
                "--quiet",
                "--package",
                "lesson-simple",
                "--examples",
            ]);
            if !cfg!(debug_assertions) {
                build.arg("--release");
            }
            let status = build.status().expect("cargo should run");
            assert!(status.success(), "cargo build --examples failed: {status}");
            bins::bin_dir()
                .expect("the test knows where it runs")
                .join("examples")
        })
        .clone()
}

fn example(name: &str) -> PathBuf {
    examples_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// `bare-server -- 0`, once its `listening on` line is there.
fn start_bare_server() -> Server {
    Server::start(&example("bare-server"), &["0"]).expect("bare-server should print its ready line")
}

#[test]
fn bare_client_and_bare_server_exchange_hello_with_exact_output_on_both_sides() {
    let mut server = start_bare_server();

    assert_cmd::Command::new(example("bare-client"))
        .arg(server.port_arg())
        .timeout(Duration::from_secs(10))
        .assert()
        .success()
        .stdout("Connected to server\nReceived Hello Server!\n")
        .stderr("");

    let client = server
        .expect_accepted()
        .expect("the server should print `accepted connection from <client>`");
    server
        .expect_line(&format!("Received \"Hello Server!\" from {client}"))
        .expect("the server should print the message and who sent it");
}

#[test]
fn bare_server_prints_a_message_ending_in_a_newline_on_one_line() {
    // nc sends the line typed with its newline; the server's line must not break there.
    let mut server = start_bare_server();
    let mut conn = Conn::connect(server.address).expect("the client should connect");
    conn.send(b"hello\n").expect("the client should send");
    assert_eq!(
        conn.read_to_close(usize::MAX).expect("the echo"),
        b"hello\n"
    );

    let client = conn.local_addr().expect("the client's address");
    server
        .expect_accepted_from(client)
        .expect("the server should print `accepted connection from <client>`");
    server
        .expect_line(&format!("Received \"hello\\n\" from {client}"))
        .expect("the message, its newline escaped, and who sent it, on one line");
}

#[test]
fn bare_server_stops_for_good_when_one_client_sends_bytes_that_are_not_text() {
    let mut server = start_bare_server();
    let mut conn = Conn::connect(server.address).expect("the client should connect");
    conn.send(b"\xff\xfe").expect("the client should send");

    let finished = server.finish().expect("bare-server should exit");
    assert!(!finished.status.success(), "{finished:?}");
    let panic = finished.rest.join("\n");
    assert!(
        panic.contains("the data is not UTF-8 text"),
        "the panic should say why: {panic}"
    );

    // Nobody serves the next client: the whole server is gone.
    let refused = assert_cmd::Command::new(example("bare-client"))
        .arg(server.port_arg())
        .timeout(Duration::from_secs(10))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("could not connect"), "{stderr}");
}
