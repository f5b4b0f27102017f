//! Black-box tests of lesson 1 over real sockets on 127.0.0.1: `simple-server` and
//! `simple-client` as a student runs them, and the misbehaving clients the server must outlive.
//!
//! Every server runs on `--port 0` and is used only after its `listening on` line; every wait
//! has a time limit (see `testkit::procs`).

use std::path::Path;

use testkit::client::Conn;
use testkit::probe;
use testkit::procs::{self, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_simple-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_simple-client");

fn start_server(extra: &[&str]) -> Server {
    Server::start_on_port_0(Path::new(SERVER), extra)
        .expect("simple-server should print its ready line")
}

fn run_client(args: &[&str]) -> procs::Assert {
    procs::one_shot(Path::new(CLIENT), args, b"")
}

/// Runs simple-client against `server` and checks the exchange on both sides, exactly.
fn assert_serves_a_client(server: &mut Server) {
    let output = procs::Output::from(run_client(&["--port", &server.port_arg()]));
    let port = server.port();
    assert_eq!(output.stderr, "");
    assert_eq!(
        output.stdout,
        format!(
            "Connected to server at 127.0.0.1:{port}\nSent \"Hello Server!\"\nReceived \"Hello Server!\"\n"
        )
    );
    assert_eq!(output.code(), 0);
    let client = server
        .expect_accepted()
        .expect("the server should report the client");
    server
        .expect_line(&format!("Received \"Hello Server!\" from {client}"))
        .expect("the server should print the message");
    server
        .expect_closed(client)
        .expect("the server should close the connection");
}

#[test]
fn client_and_server_exchange_hello_with_exact_output_on_both_sides() {
    let mut server = start_server(&["--once"]);
    assert_serves_a_client(&mut server);
    server
        .expect_success_and_no_more_lines()
        .expect("with --once, the server should exit with 0 and print nothing more");
}

#[test]
fn client_sends_the_message_given_with_message_byte_for_byte() {
    let mut server = start_server(&["--once"]);
    let output = procs::Output::from(run_client(&[
        "--port",
        &server.port_arg(),
        "--message",
        "grüße, 世界!",
    ]));
    assert_eq!(output.code(), 0, "{output:?}");
    assert!(
        output
            .stdout
            .ends_with("Sent \"grüße, 世界!\"\nReceived \"grüße, 世界!\"\n"),
        "{}",
        output.stdout
    );
    let lines = server.finish().expect("server should exit").rest;
    assert!(
        lines[1].starts_with("Received \"grüße, 世界!\" from 127.0.0.1:"),
        "{lines:?}"
    );
}

#[test]
fn server_answers_nc_style_client_with_the_same_bytes_and_closes() {
    let mut server = start_server(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send(b"hi from nc\n").expect("send");
    assert_eq!(
        conn.read_to_close(usize::MAX).expect("reply"),
        b"hi from nc\n"
    );
    let client = conn.local_addr().expect("address");
    server.expect_accepted_from(client).expect("accept line");
    server
        .expect_line(&format!("Received \"hi from nc\\n\" from {client}"))
        .expect("message line, escaped");
    server.expect_closed(client).expect("close line");
}

#[test]
fn server_closes_a_silent_client_at_the_client_deadline_then_serves_the_next() {
    // The idle timeout alone would wait 10 s; the deadline closes the connection first.
    let mut server = start_server(&["--client-deadline", "0.3"]);
    let mut conn = Conn::connect(server.address).expect("connect");
    let client = conn.local_addr().expect("address");
    server
        .expect_accepted_then_problem(
            client,
            "held the server for 300 ms (--client-deadline): closed",
        )
        .expect("the server should close the client at its deadline");
    assert_eq!(conn.read_to_close(usize::MAX).expect("server closes"), b"");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_reads_once_so_a_message_sent_byte_by_byte_is_cut_to_its_first_piece() {
    // The server takes what one recv returns. Send a single byte and wait: that byte is all
    // it gets, and all it sends back. (Lesson 5 fixes this with framing.)
    let mut server = start_server(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send_bytewise(b"H").expect("send");
    assert_eq!(conn.read_to_close(usize::MAX).expect("reply"), b"H");
    let client = conn.local_addr().expect("address");
    server.expect_accepted_from(client).expect("accept line");
    server
        .expect_line(&format!("Received \"H\" from {client}"))
        .expect("only the first byte");
    server.expect_closed(client).expect("close line");
    assert_serves_a_client(&mut server);
}

#[test]
fn server_reports_half_a_utf8_character_sent_alone() {
    // 'é' is two bytes in UTF-8 (c3 a9); a client that sends only the first has sent no text.
    let mut server = start_server(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    conn.send(&[0xc3]).expect("send");
    assert_eq!(conn.read_to_close(usize::MAX).expect("end"), b"");
    let client = conn.local_addr().expect("address");
    server
        .expect_accepted_then_problem(client, "sent data that is not UTF-8 text: c3")
        .expect("the server should name the client and the problem");
}

#[test]
fn client_gives_up_when_the_server_never_replies() {
    let silent = probe::silent_listener().expect("listener");
    let port = silent.local_addr().expect("address").port();
    run_client(&["--port", &port.to_string(), "--timeout", "0.3"])
        .code(1)
        .stdout(format!(
            "Connected to server at 127.0.0.1:{port}\nSent \"Hello Server!\"\n"
        ))
        .stderr("error: no reply from the server: nothing arrived for 300 ms (--timeout)\n");
}

#[test]
fn client_names_a_host_it_cannot_find() {
    let output = procs::Output::from(run_client(&["--host", "no-such-host.invalid"]));
    assert_eq!(output.code(), 1);
    assert!(
        output
            .stderr
            .starts_with("error: could not find host `no-such-host.invalid`: "),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .ends_with("(check the spelling, or use an IP address such as 127.0.0.1)\n"),
        "{}",
        output.stderr
    );
}

#[test]
fn server_refuses_a_port_another_program_listens_on_and_says_what_to_do() {
    let other = probe::silent_listener().expect("listener");
    let port = other.local_addr().expect("address").port();
    procs::one_shot(Path::new(SERVER), &["--port", &port.to_string()], b"")
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: could not listen on 127.0.0.1:{port}: address already in use (another program, \
             maybe an earlier copy of this server, is using that port: stop it, or choose another \
             --port; a server that has just stopped can hold its port for a minute while its \
             connections close)\n"
        ));
}

#[test]
fn server_and_client_work_over_ipv6_loopback() {
    let mut server = start_server(&["--host", "::1", "--once"]);
    let port = server.port();
    assert_eq!(server.seen(), [format!("listening on [::1]:{port}")]);
    let output = procs::Output::from(run_client(&["--host", "::1", "--port", &port.to_string()]));
    assert_eq!(output.code(), 0, "{output:?}");
    assert!(
        output
            .stdout
            .starts_with(&format!("Connected to server at [::1]:{port}\n"))
    );
    assert!(server.finish().expect("exit").status.success());
}

#[test]
fn trace_shows_each_socket_call_and_its_result_on_stderr() {
    let mut server = start_server(&["--once", "--trace"]);
    let port = server.port();
    run_client(&["--port", &port.to_string(), "--trace"]).stderr(format!(
        "trace: connect(127.0.0.1:{port}) -> ok\n\
             trace: send(13 bytes \"Hello Server!\") -> 13\n\
             trace: recv(1024) -> 13 bytes \"Hello Server!\"\n\
             trace: close()\n"
    ));
    let lines = server.all_lines_at_exit().expect("exit");
    let client = procs::accepted_client(&lines).expect("accept line");
    assert_eq!(
        lines,
        [
            "trace: socket(), setsockopt(SO_REUSEADDR), bind(127.0.0.1:0), listen(1) -> ok"
                .to_string(),
            format!("listening on 127.0.0.1:{port}"),
            format!("trace: accept() -> {client}"),
            format!("accepted connection from {client}"),
            "trace: recv(1024) -> 13 bytes \"Hello Server!\"".to_string(),
            format!("Received \"Hello Server!\" from {client}"),
            "trace: send(13 bytes \"Hello Server!\") -> 13".to_string(),
            "trace: close()".to_string(),
            format!("closed connection from {client}"),
        ]
    );
}
