//! The tests every server of lesson 8's command protocol must pass, each a function taking the
//! server's binary: every command's exact reply, requests batched or trickled, the line limit,
//! `STATS`, the idle timeout, a close in the middle of a line, 200 clients at once, the cap on
//! clients. A lesson's tests call each from a `#[test]` that says which servers it checks.
//!
//! Each starts its own server on `--port 0` and panics, naming the program and what differed,
//! at the first reply or server line that is not exactly the one expected.

use std::io::Write;
use std::path::Path;

use super::{Client, clients_at_once, wait_for_lines};
use crate::procs::start_or_panic;

/// Each command, and each kind of bad request, gets its exact reply; the session goes on
/// until `QUIT`, answered `BYE`, and the server prints the accept and the close.
pub fn each_command_gets_its_exact_reply(program: &Path) {
    let name = program.display();
    let mut server = start_or_panic(program, &[]);
    let mut client = Client::connect(server.address);
    let cases: [(&[u8], &[u8]); 11] = [
        (b"UPPER hello, world\n", b"HELLO, WORLD\n"),
        ("UPPER straße\n".as_bytes(), b"STRASSE\n"),
        (b"REVERSE hello\n", b"olleh\n"),
        ("REVERSE héllo ✓\n".as_bytes(), "✓ olléh\n".as_bytes()),
        (b"UPPER\n", b"\n"),
        (b"UPPER two  spaces\r\n", b"TWO  SPACES\n"),
        (b"upper hello\n", b"ERR unknown command\n"),
        (b"HELLO\n", b"ERR unknown command\n"),
        (b"\n", b"ERR unknown command\n"),
        (b"QUIT now\n", b"ERR unknown command\n"),
        (b"\xff\xfe\n", b"ERR not UTF-8\n"),
    ];
    for (request, reply) in cases {
        assert_eq!(
            client.ask(request),
            reply,
            "{name}: the reply to {:?}",
            String::from_utf8_lossy(request)
        );
    }
    // The session went on after the line that was not UTF-8; QUIT ends it.
    assert_eq!(client.ask(b"QUIT\n"), b"BYE\n");
    client.expect_closed();
    let peer = client.address();
    server.expect_accepted_from(peer).expect("accept line");
    server.expect_closed(peer).expect("closed line");
}

/// Three requests in one write get their three replies in order; a request sent a byte at a
/// time gets its reply.
pub fn requests_in_one_write_or_a_byte_at_a_time_get_their_replies_in_order(program: &Path) {
    let name = program.display();
    let server = start_or_panic(program, &[]);
    let mut client = Client::connect(server.address);
    client.send(b"UPPER a\nREVERSE ab\nUPPER c\n");
    for reply in [&b"A\n"[..], b"ba\n", b"C\n"] {
        assert_eq!(client.reply(), reply, "{name}");
    }
    for byte in b"REVERSE slow\n" {
        client.send(&[*byte]);
    }
    assert_eq!(client.reply(), b"wols\n", "{name}");
}

/// A line of 1024 bytes (and `\r\n`) is answered; one of 1025 gets `ERR line too long` and the
/// close, and the server prints one line about it.
pub fn a_line_of_1024_bytes_is_answered_and_a_longer_one_gets_err_and_the_close(program: &Path) {
    let mut server = start_or_panic(program, &[]);
    let mut client = Client::connect(server.address);
    // "UPPER " and 1018 letters: 1024 bytes, then \r\n, which do not count.
    let longest = format!("UPPER {}\r\n", "a".repeat(1018));
    let reply = client.ask(longest.as_bytes());
    assert_eq!(reply, format!("{}\n", "A".repeat(1018)).as_bytes());

    let too_long = format!("UPPER {}\n", "a".repeat(1019));
    assert_eq!(client.ask(too_long.as_bytes()), b"ERR line too long\n");
    client.expect_closed();
    let peer = client.address();
    server.expect_accepted_from(peer).expect("accept line");
    server
        .expect_client_problem(peer, "sent a line over 1024 bytes")
        .expect("problem line");
}

/// 4096 bytes without a newline get `ERR line too long`, and the server prints one line about
/// it.
pub fn endless_data_without_a_newline_is_cut_off_at_the_limit(program: &Path) {
    let name = program.display();
    let mut server = start_or_panic(program, &[]);
    let mut client = Client::connect(server.address);
    // Far more than the limit: the server stops reading after 1026 bytes and hangs up.
    let _ = client.requests().write_all(&[b'x'; 4096]);
    assert_eq!(client.reply(), b"ERR line too long\n", "{name}");
    let peer = client.address();
    server.expect_accepted_from(peer).expect("accept line");
    server
        .expect_client_problem(peer, "sent a line over 1024 bytes")
        .expect("problem line");
}

/// `STATS` counts the clients ever connected, those connected now and the lines of all of
/// them, exactly.
pub fn stats_counts_the_clients_and_lines_of_the_whole_server(program: &Path) {
    let name = program.display();
    let mut server = start_or_panic(program, &[]);
    let mut first = Client::connect(server.address);
    assert_eq!(first.ask(b"STATS\n"), b"clients 1 active 1 lines 1\n");
    assert_eq!(first.ask(b"UPPER a\n"), b"A\n");
    let mut second = Client::connect(server.address);
    assert_eq!(
        second.ask(b"STATS\n"),
        b"clients 2 active 2 lines 3\n",
        "{name}"
    );
    assert_eq!(first.ask(b"QUIT\n"), b"BYE\n");
    let peer = first.address();
    // `active` goes down before the server says it closed the connection.
    wait_for_lines(&mut server, &format!("closed connection from {peer}"), 1);
    assert_eq!(
        second.ask(b"STATS\n"),
        b"clients 2 active 1 lines 5\n",
        "{name}"
    );
}

/// A client that sends half a line and goes quiet is closed after `--idle-timeout` (0.1 s
/// here), and the server prints one line about it.
pub fn a_client_that_goes_quiet_is_dropped_after_the_idle_timeout(program: &Path) {
    let mut server = start_or_panic(program, &["--idle-timeout", "0.1"]);
    let mut client = Client::connect(server.address);
    client.send(b"UPPER half a li");
    client.expect_closed();
    let peer = client.address();
    server.expect_accepted_from(peer).expect("accept line");
    server
        .expect_client_problem(
            peer,
            "could not receive a request: nothing arrived for 100 ms (--idle-timeout)",
        )
        .expect("problem line");
}

/// A client that closes the connection in the middle of a line: the server prints one line
/// saying how many bytes came without their `\n`.
pub fn a_client_that_closes_in_the_middle_of_a_line_is_reported(program: &Path) {
    let mut server = start_or_panic(program, &[]);
    let mut client = Client::connect(server.address);
    assert_eq!(client.ask(b"UPPER ok\n"), b"OK\n");
    client.send(b"UPPER");
    let peer = client.address();
    drop(client);
    server.expect_accepted_from(peer).expect("accept line");
    server
        .expect_client_problem(
            peer,
            "could not receive a request: the connection closed before the \"\\n\" that \
             ends a message (5 bytes without it)",
        )
        .expect("problem line");
}

/// 200 clients at once (see [`clients_at_once`]) each get every reply exactly, and the server,
/// started with the options `extra`, prints an accept and a close for each and nothing else.
pub fn answers_200_clients_at_once_each_exactly(program: &Path, extra: &[&str]) {
    let mut server = start_or_panic(program, extra);
    clients_at_once(server.address, 200);
    let lines = wait_for_lines(&mut server, "closed connection from ", 200);
    let accepted = lines
        .iter()
        .filter(|line| line.starts_with("accepted connection from "))
        .count();
    assert_eq!(accepted, 200, "{}", lines.join("\n"));
    assert_eq!(lines.len(), 400, "only accept and close lines expected");
}

/// With `--max-clients 3`, a fourth client gets `ERR server full` and the close, and the
/// server prints one line about it; once one of the three leaves, the next client is served,
/// and the refused one was never counted.
pub fn clients_past_max_clients_get_err_server_full_and_the_server_recovers_when_one_leaves(
    program: &Path,
) {
    let name = program.display();
    let mut server = start_or_panic(program, &["--max-clients", "3"]);
    let mut clients: Vec<Client> = (1..=3)
        .map(|number| {
            let mut client = Client::connect(server.address);
            let stats = client.ask(b"STATS\n");
            let expected = format!("clients {number} active {number} lines {number}\n");
            assert_eq!(stats, expected.as_bytes());
            client
        })
        .collect();
    wait_for_lines(&mut server, "accepted connection from ", 3);

    let mut refused = Client::connect(server.address);
    assert_eq!(refused.reply(), b"ERR server full\n");
    refused.expect_closed();
    server
        .expect_client_problem(
            refused.address(),
            "3 clients are connected already (--max-clients): sent ERR server full, closed",
        )
        .expect("the refusal, in one line");

    // One leaves: the next client is served, and the refused one was never counted.
    let mut leaving = clients.remove(0);
    assert_eq!(leaving.ask(b"QUIT\n"), b"BYE\n");
    let peer = leaving.address();
    wait_for_lines(&mut server, &format!("closed connection from {peer}"), 1);
    let mut next = Client::connect(server.address);
    assert_eq!(
        next.ask(b"STATS\n"),
        b"clients 4 active 3 lines 5\n",
        "{name}"
    );
}
