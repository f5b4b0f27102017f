//! `async-chat-server`: lesson 9's tests of Budget Chat, run over the tokio server. They are
//! lesson 9's `tests/main.rs` (a lesson never depends on another lesson's code, tests
//! included), less what tests chat-client: the exact lines of every step, names refused,
//! each sender's lines in order, fifty users at once, a user who stops reading, the limits.
//!
//! Every server runs on `--port 0` and is used only after its `listening on` line; every read
//! and wait has a time limit (see `testkit::procs`).

use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use testkit::client::Conn;
use testkit::procs::{STEP_TIMEOUT, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_async-chat-server");

const WELCOME: &str = "Welcome to budgetchat! What shall I call you?";

fn start_server(extra: &[&str]) -> Server {
    Server::start_on_port_0(Path::new(SERVER), extra)
        .expect("async-chat-server should print its ready line")
}

/// A chat user played by the test: a `testkit::probe::Conn` (every read and write has a time
/// limit) and a line reader on the same connection.
struct User {
    conn: Conn,
    reader: BufReader<TcpStream>,
}

impl User {
    /// Connects and reads the welcome line.
    fn connect(server: &Server) -> User {
        User::connect_to(server.address)
    }

    /// Connects to the server at `address` and reads the welcome line (for threads, which
    /// cannot share a `Server`).
    fn connect_to(address: SocketAddr) -> User {
        let mut conn = Conn::connect(address).expect("connect");
        let reading = conn.stream().try_clone().expect("a second handle");
        let mut user = User {
            conn,
            reader: BufReader::new(reading),
        };
        user.expect(WELCOME);
        user
    }

    /// Connects, sends `name`, and checks that the list of those present is `present`.
    fn join(server: &Server, name: &str, present: &[&str]) -> User {
        let mut user = User::connect(server);
        user.say(name);
        user.expect(&presence(present));
        user
    }

    /// Our side's address, the one the server prints.
    fn address(&self) -> SocketAddr {
        self.conn.local_addr().expect("local address")
    }

    /// Sends `bytes` as they are.
    fn send(&mut self, bytes: &[u8]) {
        self.conn.send(bytes).expect("send");
    }

    /// Sends one line: `text` and `\n`.
    fn say(&mut self, text: &str) {
        self.send(format!("{text}\n").as_bytes());
    }

    /// The next line, without its `\n`.
    fn next_line(&mut self) -> String {
        let mut line = Vec::new();
        let read = match self.reader.read_until(b'\n', &mut line) {
            Ok(read) => read,
            // The read timeout of every connection: the server sent nothing more for that long.
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("no line arrived within {STEP_TIMEOUT:?}: the server sent nothing more")
            }
            Err(error) => panic!("could not read a line: {error}"),
        };
        assert!(
            read > 0,
            "the server closed the connection; a line was expected"
        );
        assert_eq!(
            line.pop(),
            Some(b'\n'),
            "a line cut short: {:?}",
            String::from_utf8_lossy(&line)
        );
        String::from_utf8(line).expect("a line of UTF-8 text")
    }

    /// The next line must be exactly `expected`.
    fn expect(&mut self, expected: &str) {
        assert_eq!(self.next_line(), expected);
    }

    /// The server must close the connection now, with nothing more sent.
    fn expect_end(&mut self) {
        let mut rest = Vec::new();
        match self.reader.read_to_end(&mut rest) {
            Ok(_) => assert_eq!(String::from_utf8_lossy(&rest), "", "nothing more"),
            Err(error) => assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}"),
        }
    }

    /// Closes the connection, as a user quitting `nc` does.
    fn quit(self) {
        drop(self);
    }

    /// Closes the connection with a reset, as a program that crashed does.
    fn crash(self) {
        self.conn.reset().expect("reset");
    }
}

/// The line that tells a newcomer who is in the room.
fn presence(names: &[&str]) -> String {
    match names.is_empty() {
        true => "* The room contains:".to_string(),
        false => format!("* The room contains: {}", names.join(", ")),
    }
}

/// Reads the server's two lines about a user joining.
fn expect_joined(server: &mut Server, user: &User, name: &str, count: usize) {
    let address = user.address();
    server.expect_accepted_from(address).expect("accept line");
    server
        .expect_line(&format!(
            "{name} joined from {address} ({count} in the room)"
        ))
        .expect("join line");
}

mod protocol {
    use super::*;

    #[test]
    fn welcome_presence_list_and_join_and_leave_notices_exact_lines_on_both_sides() {
        let mut server = start_server(&[]);
        let mut alice = User::join(&server, "alice", &[]);
        expect_joined(&mut server, &alice, "alice", 1);

        let mut bob = User::join(&server, "bob", &["alice"]);
        expect_joined(&mut server, &bob, "bob", 2);
        alice.expect("* bob has entered the room");

        let mut carol = User::join(&server, "carol", &["alice", "bob"]);
        expect_joined(&mut server, &carol, "carol", 3);
        alice.expect("* carol has entered the room");
        bob.expect("* carol has entered the room");

        let bob_address = bob.address();
        bob.quit();
        alice.expect("* bob has left the room");
        carol.expect("* bob has left the room");
        server
            .expect_line("bob left (2 in the room)")
            .expect("leave");
        server.expect_closed(bob_address).expect("close line");

        // Alice's next line is Dave's arrival: she heard nothing else in between.
        let _dave = User::join(&server, "dave", &["alice", "carol"]);
        alice.expect("* dave has entered the room");
        carol.expect("* dave has entered the room");
    }

    #[test]
    fn a_line_goes_to_everyone_else_as_name_and_text_and_never_back_to_its_sender() {
        let server = start_server(&[]);
        let mut alice = User::join(&server, "alice", &[]);
        let mut bob = User::join(&server, "bob", &["alice"]);
        alice.expect("* bob has entered the room");
        let mut carol = User::join(&server, "carol", &["alice", "bob"]);
        alice.expect("* carol has entered the room");
        bob.expect("* carol has entered the room");

        alice.say("hello, everyone");
        bob.expect("[alice] hello, everyone");
        carol.expect("[alice] hello, everyone");
        bob.say("hi alice");
        // Alice's next line is Bob's: her own line did not come back to her.
        alice.expect("[bob] hi alice");
        carol.expect("[bob] hi alice");
        carol.say("");
        alice.expect("[carol] ");
        bob.expect("[carol] ");
    }

    #[test]
    fn each_senders_lines_arrive_in_order_even_sent_in_one_write_or_a_byte_at_a_time() {
        let server = start_server(&[]);
        let mut alice = User::join(&server, "alice", &[]);
        let mut bob = User::join(&server, "bob", &["alice"]);
        alice.expect("* bob has entered the room");

        let many: String = (0..200).map(|n| format!("line {n}\n")).collect();
        alice.send(many.as_bytes());
        for n in 0..200 {
            bob.expect(&format!("[alice] line {n}"));
        }
        for byte in b"one byte at a time\n" {
            alice.send(&[*byte]);
        }
        bob.expect("[alice] one byte at a time");
    }

    #[test]
    fn with_once_the_server_serves_one_client_and_exits() {
        let mut server = start_server(&["--once"]);
        let alice = User::join(&server, "alice", &[]);
        expect_joined(&mut server, &alice, "alice", 1);
        let address = alice.address();
        alice.quit();
        server
            .expect_line("alice left (0 in the room)")
            .expect("leave");
        server.expect_closed(address).expect("close line");
        server
            .expect_success_and_no_more_lines()
            .expect("the server exits with 0");
    }

    #[test]
    fn a_user_who_resets_the_connection_leaves_the_room() {
        let mut server = start_server(&[]);
        let mut alice = User::join(&server, "alice", &[]);
        expect_joined(&mut server, &alice, "alice", 1);
        let bob = User::join(&server, "bob", &["alice"]);
        expect_joined(&mut server, &bob, "bob", 2);
        alice.expect("* bob has entered the room");
        let address = bob.address();
        bob.crash();
        alice.expect("* bob has left the room");
        server
            .expect_line("bob left (1 in the room)")
            .expect("leave");
        server
            .expect_client_problem(address, "connection reset by the peer")
            .expect("one line about the reset");
    }
}

mod names {
    use super::*;

    /// Sends `name` (bytes, with `\n` added) and expects `ERR <problem>`, then the close.
    /// Returns the line the server must print about it.
    fn refused(server: &Server, name: &[u8], problem: &str) -> String {
        let mut user = User::connect(server);
        user.send(name);
        user.send(b"\n");
        user.expect(&format!("ERR {problem}"));
        user.expect_end();
        format!("client {}: {problem}", user.address())
    }

    #[test]
    fn names_with_cr_spaces_17_characters_non_ascii_or_nothing_are_refused_and_nobody_hears() {
        let mut server = start_server(&[]);
        let mut alice = User::join(&server, "alice", &[]);
        expect_joined(&mut server, &alice, "alice", 1);
        let not_a_name = "is not 1 to 16 letters or digits";
        let seventeen = "a".repeat(17);
        let bad_names: [(&[u8], String); 6] = [
            (b"bob\r", format!("the name \"bob\\r\" {not_a_name}")),
            (b"bob smith", format!("the name \"bob smith\" {not_a_name}")),
            (
                seventeen.as_bytes(),
                format!("the name \"{seventeen}\" {not_a_name}"),
            ),
            ("zoë".as_bytes(), format!("the name \"zoë\" {not_a_name}")),
            (&[0xff, b'a'], format!("the name ff 61 {not_a_name}")),
            (b"", format!("the name \"\" {not_a_name}")),
        ];
        let mut about_them = Vec::new();
        for (name, problem) in bad_names {
            about_them.push(refused(&server, name, &problem));
        }

        // Alice heard of none of them: her next line is about the first real newcomer.
        let sixteen = "B".repeat(15) + "7";
        let _bob = User::join(&server, &sixteen, &["alice"]);
        alice.expect(&format!("* {sixteen} has entered the room"));

        // The server printed one line about each, in the order their threads ended: the last
        // may come after the newcomer's, so read on until all of them are there.
        let mut lines = Vec::new();
        let mut joined = false;
        while !joined || about_them.iter().any(|line| !lines.contains(line)) {
            let line = server.next_line().expect("the server's lines");
            joined |= line.contains(&format!("{sixteen} joined from"));
            lines.push(line);
        }
        let extra: Vec<&String> = lines
            .iter()
            .filter(|line| line.starts_with("client ") && !about_them.contains(line))
            .collect();
        assert!(extra.is_empty(), "unexpected lines {extra:#?}");
    }

    #[test]
    fn a_name_in_use_is_refused_and_free_again_once_its_owner_has_left() {
        let server = start_server(&[]);
        let alice = User::join(&server, "alice", &[]);
        let mut bob = User::join(&server, "bob", &["alice"]);
        refused(&server, b"alice", "the name alice is taken");
        alice.quit();
        bob.expect("* alice has left the room");
        let _again = User::join(&server, "alice", &["bob"]);
        bob.expect("* alice has entered the room");
    }

    #[test]
    fn a_client_that_never_sends_a_name_is_told_and_dropped_after_idle_timeout() {
        let mut server = start_server(&["--idle-timeout", "0.3"]);
        let mut silent = User::connect(&server);
        let started = Instant::now();
        silent.expect("ERR did not send a name: nothing arrived for 300 ms (--idle-timeout)");
        silent.expect_end();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "dropped in time"
        );
        let client = silent.address();
        server.expect_accepted_from(client).expect("accept line");
        server
            .expect_client_problem(
                client,
                "did not send a name: nothing arrived for 300 ms (--idle-timeout)",
            )
            .expect("one line about the silent client");
    }

    #[test]
    fn a_member_may_stay_quiet_longer_than_the_idle_timeout() {
        let server = start_server(&["--idle-timeout", "0.2"]);
        let mut alice = User::join(&server, "alice", &[]);
        let mut bob = User::join(&server, "bob", &["alice"]);
        alice.expect("* bob has entered the room");
        std::thread::sleep(Duration::from_millis(500));
        alice.say("still here?");
        bob.expect("[alice] still here?");
    }
}

mod limits {
    use super::*;

    #[test]
    fn a_line_of_1000_bytes_passes_and_a_longer_one_gets_an_error_line_and_the_close() {
        let mut server = start_server(&[]);
        let mut alice = User::join(&server, "alice", &[]);
        expect_joined(&mut server, &alice, "alice", 1);
        let mut bob = User::join(&server, "bob", &["alice"]);
        expect_joined(&mut server, &bob, "bob", 2);
        alice.expect("* bob has entered the room");

        let longest = "x".repeat(1000);
        bob.say(&longest);
        alice.expect(&format!("[bob] {longest}"));

        let address = bob.address();
        bob.say(&"y".repeat(1001));
        bob.expect("ERR sent a line longer than 1000 bytes");
        bob.expect_end();
        alice.expect("* bob has left the room");
        server
            .expect_line("bob left (1 in the room)")
            .expect("leave");
        server
            .expect_client_problem(address, "sent a line longer than 1000 bytes")
            .expect("one line about it");
    }

    #[test]
    fn a_user_who_disconnects_mid_line_leaves_and_the_half_line_reaches_nobody() {
        let mut server = start_server(&[]);
        let mut alice = User::join(&server, "alice", &[]);
        expect_joined(&mut server, &alice, "alice", 1);
        let mut bob = User::join(&server, "bob", &["alice"]);
        expect_joined(&mut server, &bob, "bob", 2);
        alice.expect("* bob has entered the room");
        let address = bob.address();
        bob.send(b"half a li");
        bob.quit();
        alice.expect("* bob has left the room");
        server
            .expect_line("bob left (1 in the room)")
            .expect("leave");
        server
            .expect_client_problem(
                address,
                "the connection closed before the \"\\n\" that ends a message (9 bytes without it)",
            )
            .expect("one line about it");
        // Alice's next line is about Carol: the half line was never passed on.
        let _carol = User::join(&server, "carol", &["alice"]);
        alice.expect("* carol has entered the room");
    }

    #[test]
    fn a_line_that_is_not_utf8_gets_an_error_line_and_the_user_leaves() {
        let server = start_server(&[]);
        let mut alice = User::join(&server, "alice", &[]);
        let mut bob = User::join(&server, "bob", &["alice"]);
        alice.expect("* bob has entered the room");
        bob.send(b"caf\xe9\n");
        bob.expect("ERR sent a line that is not UTF-8 text");
        bob.expect_end();
        alice.expect("* bob has left the room");
    }

    #[test]
    fn a_client_over_max_clients_is_told_the_server_is_full_and_the_others_go_on() {
        let mut server = start_server(&["--max-clients", "2"]);
        let mut alice = User::join(&server, "alice", &[]);
        expect_joined(&mut server, &alice, "alice", 1);
        let bob = User::connect(&server);
        server.expect_accepted_from(bob.address()).expect("accept");

        let mut third = Conn::connect(server.address).expect("connect");
        assert_eq!(
            third.read_to_close(usize::MAX).expect("the refusal"),
            b"ERR server full\n"
        );
        let address = third.local_addr().expect("address");
        server
            .expect_client_problem(address, "turned away, the server is full (--max-clients 2)")
            .expect("one line about it");

        // Once Bob has gone, there is room again.
        let bob_address = bob.address();
        bob.quit();
        server
            .expect_client_problem(bob_address, "closed the connection without sending a name")
            .expect("Bob's connection has ended");
        let _carol = User::join(&server, "carol", &["alice"]);
        alice.expect("* carol has entered the room");
    }
}

mod many {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    const USERS: usize = 50;
    const LINES: usize = 10;

    #[test]
    fn fifty_users_join_and_talk_at_once_and_each_hears_every_other_line_once_in_order() {
        let server = start_server(&[]);
        let address = server.address;
        std::thread::scope(|scope| {
            for me in 0..USERS {
                scope.spawn(move || one_of_fifty(address, me));
            }
        });
    }

    /// One user: joins, waits until it knows that all 50 are in, says its 10 lines, and hears
    /// each other user's 10 lines exactly once, in the order they were said.
    fn one_of_fifty(address: SocketAddr, me: usize) {
        let name = format!("user{me:02}");
        let mut user = User::connect_to(address);
        user.say(&name);
        let first = user.next_line();
        let listed = first
            .strip_prefix("* The room contains:")
            .unwrap_or_else(|| panic!("{name}: not a presence line: {first:?}"));
        let mut others: BTreeSet<String> = listed
            .split(", ")
            .map(|other| other.trim().to_string())
            .filter(|other| !other.is_empty())
            .collect();
        while others.len() < USERS - 1 {
            let line = user.next_line();
            let newcomer = line
                .strip_prefix("* ")
                .and_then(|rest| rest.strip_suffix(" has entered the room"))
                .unwrap_or_else(|| panic!("{name}: expected an arrival, got {line:?}"));
            assert!(
                others.insert(newcomer.to_string()),
                "{name}: {newcomer} came twice"
            );
        }
        assert!(!others.contains(&name), "{name} is told that it is present");

        let lines: String = (0..LINES).map(|n| format!("{n} from {name}\n")).collect();
        user.send(lines.as_bytes());

        let mut heard: BTreeMap<String, usize> = others.iter().map(|o| (o.clone(), 0)).collect();
        let mut left = 0;
        while heard.values().any(|&count| count < LINES) {
            let line = user.next_line();
            if line.ends_with(" has left the room") {
                left += 1; // a user who has heard everything has gone
                continue;
            }
            let (sender, text) = line[1..]
                .split_once("] ")
                .unwrap_or_else(|| panic!("{name}: not a message: {line:?}"));
            let count = heard
                .get_mut(sender)
                .unwrap_or_else(|| panic!("{name}: a line from {sender}: {line:?}"));
            assert_eq!(
                text,
                format!("{count} from {sender}"),
                "{name}: out of order"
            );
            *count += 1;
        }
        assert!(left < USERS, "{name}: more users left than there were");
    }
}

mod slow_reader {
    use super::*;

    /// Lines in one write of the talker; the listener must have them all within a second.
    const BATCH: usize = 50;
    /// The talker gives up after this many lines (16 MB): far more than the buffers of one
    /// connection and a queue hold.
    const MOST_LINES: usize = 16_000;

    #[test]
    fn a_user_who_stops_reading_is_dropped_and_the_others_get_every_line_within_a_second() {
        let mut server = start_server(&["--queue", "100"]);
        let mut listener = User::join(&server, "listener", &[]);
        expect_joined(&mut server, &listener, "listener", 1);
        let mut talker = User::join(&server, "talker", &["listener"]);
        expect_joined(&mut server, &talker, "talker", 2);
        listener.expect("* talker has entered the room");
        let mut slow = User::join(&server, "slow", &["listener", "talker"]);
        expect_joined(&mut server, &slow, "slow", 3);
        listener.expect("* slow has entered the room");
        talker.expect("* slow has entered the room");

        // The talker says lines of 1000 bytes, BATCH at a time; slow never reads.
        let mut sent = 0;
        let mut slow_left = false;
        while !slow_left {
            assert!(sent < MOST_LINES, "slow was never dropped");
            let batch: String = (sent..sent + BATCH).map(line_number).collect();
            let started = Instant::now();
            talker.send(batch.as_bytes());
            for number in sent..sent + BATCH {
                let mut line = listener.next_line();
                if line == "* slow has left the room" {
                    slow_left = true;
                    line = listener.next_line();
                }
                assert_eq!(
                    format!("{line}\n"),
                    format!("[talker] {}", line_number(number))
                );
            }
            let waited = started.elapsed();
            assert!(
                waited < Duration::from_secs(1),
                "the listener waited {waited:?}"
            );
            sent += BATCH;
        }
        server
            .expect_line("slow dropped: not reading, 100 lines wait in its queue (--queue 100) (2 in the room)")
            .expect("the drop, with the queue's numbers");
        talker.expect("* slow has left the room");

        // Slow got the first lines, in order, then the end of the connection.
        let mut got = Vec::new();
        let _ = slow.reader.read_to_end(&mut got);
        let text = String::from_utf8_lossy(&got);
        let whole_lines: Vec<&str> = text
            .split_inclusive('\n')
            .filter(|l| l.ends_with('\n'))
            .collect();
        assert!(!whole_lines.is_empty() && whole_lines.len() < sent);
        for (number, line) in whole_lines.iter().enumerate() {
            assert_eq!(*line, format!("[talker] {}", line_number(number)));
        }
    }

    /// Line `number` of the talker: 1000 bytes, then `\n`.
    fn line_number(number: usize) -> String {
        format!("{number:06} {}\n", "x".repeat(993))
    }
}

/// Terminal injection, as lesson 9's `control_bytes` tests: a member's control characters reach
/// the others escaped, exactly as typed.
mod control_bytes {
    use super::*;

    /// Alice and mallory in the room; mallory sends `sent` and a `\n`; alice must receive
    /// exactly `expected` and a `\n`.
    fn alice_sees(sent: &[u8], expected: &[u8]) {
        let server = start_server(&[]);
        let mut alice = User::join(&server, "alice", &[]);
        let mut mallory = User::join(&server, "mallory", &["alice"]);
        alice.expect("* mallory has entered the room");
        mallory.send(&[sent, b"\n"].concat());
        let mut received = Vec::new();
        alice
            .reader
            .read_until(b'\n', &mut received)
            .expect("alice receives a line");
        assert_eq!(
            String::from_utf8_lossy(&received),
            String::from_utf8_lossy(&[expected, b"\n"].concat())
        );
    }

    #[test]
    fn a_carriage_return_or_an_escape_sequence_arrives_escaped() {
        alice_sees(b"fake\r[alice] spoof", br"[mallory] fake\r[alice] spoof");
        alice_sees(b"\x1b[2J\x00", br"[mallory] \x1b[2J\x00");
    }
}
