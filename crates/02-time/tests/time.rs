//! Black-box tests of lesson 2 over real sockets on 127.0.0.1: `time-server` and `time-client`
//! as a student runs them, the clients the server must outlive, and the servers the client
//! must not trust (one that sends the time in pieces, one that never stops, ...).
//!
//! Every server runs on `--port 0` and is used only after its `listening on` line; every wait
//! has a time limit (see `testkit::procs`).

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

use chrono::{Local, NaiveDateTime};
use testkit::client::Conn;
use testkit::probe;
use testkit::procs::{self, Running, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_time-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_time-client");

/// The layout of C's `ctime`, as the server writes it.
const CTIME_LAYOUT: &str = "%a %b %e %H:%M:%S %Y";

fn start_server(extra: &[&str]) -> Server {
    Server::start_on_port_0(Path::new(SERVER), extra)
        .expect("time-server should print its ready line")
}

fn run_client(args: &[&str]) -> procs::Assert {
    procs::one_shot(Path::new(CLIENT), args, b"")
}

/// Checks that `time` is in ctime's layout and is the local time now, give or take a few
/// seconds (the server and the test read the same clock).
fn assert_is_now_in_ctime_layout(time: &str) {
    let parsed = NaiveDateTime::parse_from_str(time, CTIME_LAYOUT)
        .unwrap_or_else(|error| panic!("{time:?} is not in ctime's layout: {error}"));
    assert_eq!(
        parsed.format(CTIME_LAYOUT).to_string(),
        time,
        "day padded with a space, two-digit fields"
    );
    let off = Local::now().naive_local() - parsed;
    assert!(
        off.num_seconds().abs() <= 5,
        "{time:?} is {off} away from now"
    );
}

/// Runs time-client against `server` and checks both sides, exactly; returns the time.
fn assert_serves_a_client(server: &mut Server) -> String {
    let output = procs::Output::from(run_client(&["--port", &server.port_arg()]));
    assert_eq!(output.stderr, "");
    assert_eq!(output.code(), 0);
    let time = output
        .stdout
        .strip_prefix("The time got from the server is ")
        .and_then(|rest| rest.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("unexpected client output {:?}", output.stdout))
        .to_string();
    assert_is_now_in_ctime_layout(&time);
    let client = server
        .expect_accepted()
        .expect("the server reports the client");
    server
        .expect_line(&format!("Sent \"{time}\\r\\n\" to {client}"))
        .expect("the server says what it sent");
    server
        .expect_closed(client)
        .expect("the server closes the connection");
    time
}

/// Checks the server's lines for a client that should have been sent the time normally.
fn assert_sent_time_to(server: &mut Server, client: SocketAddr) {
    server.expect_accepted_from(client).expect("accept line");
    let sent = server.next_line().expect("a line about the time");
    assert!(
        sent.starts_with("Sent \"") && sent.ends_with(&format!("\\r\\n\" to {client}")),
        "{sent:?}"
    );
    server.expect_closed(client).expect("close line");
}

#[test]
fn client_prints_the_time_the_server_sent_with_exact_output_on_both_sides() {
    let mut server = start_server(&["--once"]);
    assert_serves_a_client(&mut server);
    server
        .expect_success_and_no_more_lines()
        .expect("with --once, the server should exit with 0 and print nothing more");
}

#[test]
fn server_speaks_first_26_ascii_bytes_ending_in_crlf_then_closes() {
    let mut server = start_server(&[]);
    // Like `nc 127.0.0.1 9999`: connect, send nothing, read until the server closes.
    let mut conn = Conn::connect(server.address).expect("connect");
    let reply = conn
        .read_to_close(usize::MAX)
        .expect("the time, then the end");
    assert_eq!(reply.len(), 26, "{reply:?}");
    assert!(reply.is_ascii(), "{reply:?}");
    let text = String::from_utf8(reply).expect("ASCII is UTF-8");
    let time = text.strip_suffix("\r\n").expect("the line ends with CRLF");
    assert_is_now_in_ctime_layout(time);
    assert_sent_time_to(&mut server, conn.local_addr().expect("address"));
}

#[test]
fn server_listens_on_every_interface_with_host_0_0_0_0() {
    let mut server = start_server(&["--host", "0.0.0.0", "--once"]);
    let port = server.port();
    assert_eq!(server.seen(), [format!("listening on 0.0.0.0:{port}")]);
    // The client still connects to 127.0.0.1, one of the interfaces.
    assert_serves_a_client(&mut server);
}

#[test]
fn server_sends_the_time_to_a_client_that_sends_nothing_without_waiting_for_it() {
    // A long idle timeout: if the server waited for the client, this test would take 10 s and
    // the connection would read nothing first.
    let mut server = start_server(&["--idle-timeout", "10"]);
    let mut conn = Conn::connect(server.address).expect("connect");
    let time = conn.receive_some(64).expect("the time at once");
    assert_eq!(time.len(), 26, "{time:?}");
    assert_sent_time_to(&mut server, conn.local_addr().expect("address"));
    assert_serves_a_client(&mut server);
}

/// A client sends `data` (a byte at a time if `bytewise`), which the server never reads.
fn assert_ignores_what_the_client_sends(data: &[u8], bytewise: bool) {
    let mut server = start_server(&[]);
    let mut conn = Conn::connect(server.address).expect("connect");
    let client = conn.local_addr().expect("address");
    // The server may have sent the time and closed already, so sending can fail: that is fine.
    let _ = match bytewise {
        true => conn.send_bytewise(data),
        false => conn.send(data),
    };
    assert_sent_time_to(&mut server, client);
    assert_serves_a_client(&mut server);
}

#[test]
fn server_ignores_invalid_utf8_from_a_client_and_keeps_serving() {
    assert_ignores_what_the_client_sends(&[0xff, 0xfe, 0xfd], false);
}

#[test]
fn server_ignores_a_message_sent_in_1_byte_writes_and_keeps_serving() {
    assert_ignores_what_the_client_sends(b"what time is it?\n", true);
}

#[test]
fn server_ignores_several_messages_in_one_write_and_keeps_serving() {
    assert_ignores_what_the_client_sends(b"time?\ntime?\ntime?\n", false);
}

/// A server of our own for testing the client: accepts one connection and hands it to `talk`.
fn fake_server(talk: impl FnOnce(TcpStream) + Send + 'static) -> SocketAddr {
    let (address, _) = probe::fake_server(talk).expect("a fake server");
    address
}

#[test]
fn client_receives_until_the_server_closes_so_a_time_in_two_pieces_arrives_whole() {
    // The server sends the first piece, and the second only once the client has received the
    // first: a client that trusted one recv would print half a time.
    let (send_rest, rest_wanted) = std::sync::mpsc::channel::<()>();
    let address = fake_server(move |mut stream| {
        let _ = stream.write_all(b"Wed Jan 29 ");
        if rest_wanted.recv_timeout(procs::STEP_TIMEOUT).is_ok() {
            let _ = stream.write_all(b"19:14:15 2014\r\n");
        }
    });
    let port = address.port().to_string();
    let mut client =
        Running::start(Path::new(CLIENT), &["--port", &port, "--trace"]).expect("client starts");
    client
        .expect_line(&format!("trace: connect({address}) -> ok"))
        .expect("connected");
    client
        .expect_line("trace: recv(1024) -> 11 bytes \"Wed Jan 29 \"")
        .expect("the first piece alone");
    send_rest.send(()).expect("the server thread waits");
    let finished = client.finish().expect("the client exits");
    assert!(finished.status.success(), "{finished:?}");
    assert_eq!(
        finished.rest,
        [
            "trace: recv(1024) -> 15 bytes \"19:14:15 2014\\r\\n\"",
            "trace: recv(1024) -> 0 bytes (end of stream: the peer closed its side)",
            "The time got from the server is Wed Jan 29 19:14:15 2014",
            "trace: close()",
        ]
    );
}

#[test]
fn client_stops_at_1024_bytes_from_a_server_that_never_stops_sending() {
    let address = fake_server(|mut stream| {
        let chunk = [b'x'; 100];
        // Until the client gives up and closes (the write then fails), or a time limit.
        for _ in 0..10_000 {
            if stream.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    run_client(&["--port", &address.port().to_string()])
        .code(1)
        .stdout("")
        .stderr(
            "error: the server sent more than 1024 bytes without closing the connection \
         (a time is 26 bytes: is it really a time-server?)\n",
        );
}

#[test]
fn client_reports_a_server_that_closes_without_sending_anything() {
    let address = fake_server(drop);
    run_client(&["--port", &address.port().to_string()])
        .code(1)
        .stderr("error: the server closed the connection without sending the time\n");
}

#[test]
fn client_refuses_a_time_that_is_not_ascii() {
    let address = fake_server(|mut stream| {
        let _ = stream.write_all("Mi 29 Jän 19:14:15 2014\r\n".as_bytes());
    });
    run_client(&["--port", &address.port().to_string()])
        .code(1)
        .stderr("error: the server sent bytes that are not ASCII text: \"Mi 29 Jän 19:14:15 2014\\r\\n\"\n");
}

#[test]
fn client_says_how_much_arrived_when_the_server_stops_halfway() {
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let address = fake_server(move |mut stream| {
        let _ = stream.write_all(b"Wed Jan");
        // Keep the connection open, silent, until the test is over.
        let _ = finished.recv_timeout(procs::STEP_TIMEOUT);
    });
    let output = procs::Output::from(run_client(&[
        "--port",
        &address.port().to_string(),
        "--timeout",
        "0.3",
    ]));
    drop(done);
    assert_eq!(output.code(), 1);
    assert_eq!(
        output.stderr,
        "error: the server sent 7 bytes, but did not close the connection: \
         the whole reply did not arrive within 300 ms (--timeout)\n"
    );
}

#[test]
fn client_gives_up_when_the_server_never_sends() {
    let silent = probe::silent_listener().expect("listener");
    let port = silent.local_addr().expect("address").port();
    run_client(&["--port", &port.to_string(), "--timeout", "0.3"])
        .code(1)
        .stdout("")
        .stderr("error: no time from the server: nothing arrived for 300 ms (--timeout)\n");
}

#[test]
fn server_and_client_work_over_ipv6_loopback() {
    let mut server = start_server(&["--host", "::1", "--once"]);
    let port = server.port();
    assert_eq!(server.seen(), [format!("listening on [::1]:{port}")]);
    let output = procs::Output::from(run_client(&["--host", "::1", "--port", &port.to_string()]));
    assert_eq!(output.code(), 0, "{output:?}");
    assert!(server.finish().expect("exit").status.success());
}

#[test]
fn trace_shows_each_socket_call_and_the_bytes_on_both_sides() {
    let mut server = start_server(&["--once", "--trace"]);
    let port = server.port();
    let output = procs::Output::from(run_client(&["--port", &port.to_string(), "--trace"]));
    let time = output
        .stdout
        .strip_prefix("The time got from the server is ")
        .and_then(|rest| rest.strip_suffix('\n'))
        .expect("the time")
        .to_string();
    assert_eq!(
        output.stderr,
        format!(
            "trace: connect(127.0.0.1:{port}) -> ok\n\
             trace: recv(1024) -> 26 bytes \"{time}\\r\\n\"\n\
             trace: recv(1024) -> 0 bytes (end of stream: the peer closed its side)\n\
             trace: close()\n"
        )
    );
    let lines = server.all_lines_at_exit().expect("exit");
    let client = procs::accepted_client(&lines).expect("accept line");
    assert_eq!(
        lines,
        [
            "trace: socket(), setsockopt(SO_REUSEADDR), bind(127.0.0.1:0), listen(5) -> ok"
                .to_string(),
            format!("listening on 127.0.0.1:{port}"),
            format!("trace: accept() -> {client}"),
            format!("accepted connection from {client}"),
            format!("trace: send(26 bytes \"{time}\\r\\n\") -> 26"),
            format!("Sent \"{time}\\r\\n\" to {client}"),
            "trace: close()".to_string(),
            format!("closed connection from {client}"),
        ]
    );
}
