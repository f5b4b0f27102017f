//! The tutorial's experiments, checked over real sockets: `stream-server` reads once, and what
//! that one read returns depends on how the bytes arrived. Each result must come out the same
//! on every run, so no test depends on luck of timing: `split` waits for the server's close,
//! and `merged` sends both writes while the server is deliberately busy.

use std::path::Path;

use testkit::client::Conn;
use testkit::probe;
use testkit::procs::{self, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_stream-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_stream-client");

fn start_server(extra: &[&str]) -> Server {
    Server::start_on_port_0(Path::new(SERVER), extra)
        .expect("stream-server should print its ready line")
}

fn run_client(server: &Server, args: &[&str]) -> procs::Assert {
    let mut all = vec!["--port".to_string(), server.port_arg()];
    all.extend(args.iter().map(|arg| arg.to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    procs::one_shot(Path::new(CLIENT), &all, b"")
}

/// Waits for the server to exit by itself and returns what it printed about the client,
/// with the client's address replaced by `CLIENT`.
fn server_side(server: &mut Server) -> Vec<String> {
    let finished = server
        .finish()
        .expect("stream-server should exit after one client");
    assert!(finished.status.success(), "{:?}", finished.status);
    let client = procs::accepted_client(&finished.rest)
        .expect("an accept line")
        .to_string();
    finished
        .rest
        .iter()
        .map(|line| line.replace(&client, "CLIENT"))
        .collect()
}

fn served(read: &str) -> Vec<String> {
    vec![
        "accepted connection from CLIENT".to_string(),
        read.to_string(),
        "closed connection from CLIENT".to_string(),
    ]
}

#[test]
fn whole_one_write_arrives_in_one_read() {
    let mut server = start_server(&[]);
    let output = procs::Output::from(run_client(&server, &["--mode", "whole"]));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        format!("connected to {}\nsent \"HelloWorld\"\n", server.address)
    );
    assert_eq!(server_side(&mut server), served(":HelloWorld:"));
}

#[test]
fn split_the_server_reads_hello_alone_because_world_is_sent_after_its_read() {
    let mut server = start_server(&[]);
    let output = procs::Output::from(run_client(&server, &["--mode", "split", "--pause", "5"]));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        format!(
            "connected to {}\n\
             sent \"Hello\"\n\
             waiting until the server has read (at most 5 s)\n\
             the server closed the connection: its one read is over\n\
             sent \"World\"\n\
             nobody will read \"World\": the server has closed the connection\n",
            server.address
        )
    );
    assert_eq!(server_side(&mut server), served(":Hello:"));
}

#[test]
fn split_sends_world_after_the_pause_when_the_server_never_closes() {
    // A listener that never accepts nor reads: the connection stays open, so the pause runs
    // out, and the client sends "World" anyway, as the tutorial's client does after sleeping.
    let silent = probe::silent_listener().expect("listener");
    let port = silent.local_addr().expect("address").port().to_string();
    let output = procs::Output::from(procs::one_shot(
        Path::new(CLIENT),
        &["--port", &port, "--mode", "split", "--pause", "0.1"],
        b"",
    ));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        format!(
            "connected to 127.0.0.1:{port}\n\
             sent \"Hello\"\n\
             waiting until the server has read (at most 100 ms)\n\
             the server is still connected after 100 ms\n\
             sent \"World\"\n"
        )
    );
}

#[test]
fn silent_an_empty_read_means_the_client_closed() {
    let mut server = start_server(&[]);
    let output = procs::Output::from(run_client(
        &server,
        &["--mode", "silent", "--pause", "0.05"],
    ));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        format!(
            "connected to {}\nsending nothing for 50 ms\nclosing the connection without sending anything\n",
            server.address
        )
    );
    assert_eq!(server_side(&mut server), served("::"));
}

#[test]
fn merged_two_writes_arrive_in_one_read_when_the_server_is_busy() {
    let mut server = start_server(&["--read-delay", "0.3"]);
    let output = procs::Output::from(run_client(&server, &["--mode", "merged"]));
    assert_eq!(output.code(), 0, "{output:?}");
    assert_eq!(
        output.stdout,
        format!(
            "connected to {}\nsent \"Hello\"\nsent \"World\"\n",
            server.address
        )
    );
    assert_eq!(server_side(&mut server), served(":HelloWorld:"));
}

#[test]
fn trace_shows_two_sends_and_one_recv_that_returns_both() {
    let mut server = start_server(&["--read-delay", "0.3", "--trace"]);
    run_client(&server, &["--mode", "merged", "--trace"]).stderr(format!(
        "trace: connect({}) -> ok\n\
             trace: send(5 bytes \"Hello\") -> 5\n\
             trace: send(5 bytes \"World\") -> 5\n\
             trace: close()\n",
        server.address
    ));
    let lines = server_side(&mut server);
    assert_eq!(
        lines,
        [
            "trace: accept() -> CLIENT",
            "accepted connection from CLIENT",
            "trace: sleep(300 ms): busy, not reading yet",
            "trace: recv(1024) -> 10 bytes \"HelloWorld\"",
            ":HelloWorld:",
            "trace: close()",
            "closed connection from CLIENT",
        ]
    );
}

#[test]
fn server_serves_one_client_and_exits_even_without_once() {
    let mut server = start_server(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send(b"bye\n").expect("send");
    assert_eq!(server_side(&mut server), served(":bye\\n:"));
    assert_eq!(conn.read_to_close(usize::MAX).expect("closed"), b"");
}

#[test]
fn server_prints_only_the_first_byte_of_a_message_sent_byte_by_byte() {
    // One byte, then wait: that byte is all the one read returns.
    let mut server = start_server(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send_bytewise(b"H").expect("one byte");
    assert_eq!(
        conn.read_to_close(usize::MAX)
            .expect("closed after the read"),
        b""
    );
    assert_eq!(server_side(&mut server), served(":H:"));
}

#[test]
fn server_prints_what_arrived_before_a_reset() {
    let mut server = start_server(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    server
        .expect_accepted_from(conn.local_addr().expect("address"))
        .expect("accept line");
    conn.send(b"Hel").expect("half a message");
    conn.reset().expect("reset");
    let rest = server.finish().expect("exit").rest;
    assert_eq!(rest[0], ":Hel:");
    assert!(rest[1].starts_with("closed connection from "), "{rest:?}");
}

#[test]
fn server_reports_invalid_utf8_and_exits() {
    let mut server = start_server(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send(&[0xff, 0xfe]).expect("send");
    let client = conn.local_addr().expect("address");
    let rest = server.finish().expect("exit").rest;
    assert_eq!(
        rest,
        [
            format!("accepted connection from {client}"),
            format!("client {client}: sent data that is not UTF-8 text: ff fe"),
        ]
    );
}

#[test]
fn server_drops_a_client_that_sends_nothing_after_the_idle_timeout() {
    let mut server = start_server(&["--idle-timeout", "0.2"]);
    let mut conn = Conn::connect(server.address).expect("connect");
    let client = conn.local_addr().expect("address");
    let rest = server.finish().expect("exit").rest;
    assert_eq!(
        rest,
        [
            format!("accepted connection from {client}"),
            format!(
                "client {client}: could not receive: nothing arrived for 200 ms (--idle-timeout)"
            ),
        ]
    );
    assert_eq!(conn.read_to_close(usize::MAX).expect("closed"), b"");
}

#[test]
fn help_explains_every_option_and_that_the_server_serves_one_client() {
    procs::expect_help_mentions(
        Path::new(SERVER),
        &[],
        &[
            "--port",
            "--idle-timeout",
            "--read-delay",
            "--trace",
            "ONE client",
        ],
    )
    .expect("stream-server --help should explain every option");
    procs::expect_help_mentions(
        Path::new(CLIENT),
        &[],
        &[
            "--mode",
            "whole",
            "split",
            "silent",
            "merged",
            "--pause",
            "--timeout",
        ],
    )
    .expect("stream-client --help should explain every option");
}
