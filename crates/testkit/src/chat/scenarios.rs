//! The tests every Budget Chat server must pass, each a function taking the server's binary:
//! the exact lines of every step, names refused, each sender's lines in order, limits, fifty
//! users at once, a user who stops reading. A lesson's tests call each from a `#[test]` of the
//! same name, with its own server (`chat-server`, `async-chat-server`).
//!
//! Each starts its own server on `--port 0` (see [`super::start`]) and panics, saying what
//! differed, at the first line that is not exactly the one expected.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use super::{User, expect_joined, start};
use crate::client::Conn;
use crate::procs::Server;

/// The welcome, the list of those present, the notices of arrivals and departures: the exact
/// lines each user receives, and the exact lines the server prints.
pub fn welcome_presence_list_and_join_and_leave_notices_exact_lines_on_both_sides(program: &Path) {
    let mut server = start(program, &[]);
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

/// A line reaches every other member as `[name] text` (an empty line too), never its sender.
pub fn a_line_goes_to_everyone_else_as_name_and_text_and_never_back_to_its_sender(program: &Path) {
    let server = start(program, &[]);
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

/// 200 lines sent in one write, then a line sent a byte at a time: each arrives whole and in
/// order.
pub fn each_senders_lines_arrive_in_order_even_sent_in_one_write_or_a_byte_at_a_time(
    program: &Path,
) {
    let server = start(program, &[]);
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

/// With `--once`, the server serves one client, prints its lines about it and exits with 0.
pub fn with_once_the_server_serves_one_client_and_exits(program: &Path) {
    let mut server = start(program, &["--once"]);
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

/// A member whose connection is reset leaves the room: the others are told, and the server
/// prints one line about the reset.
pub fn a_user_who_resets_the_connection_leaves_the_room(program: &Path) {
    let mut server = start(program, &[]);
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

/// Names with `\r`, a space, 17 characters, letters that are not ASCII, bytes that are not
/// UTF-8, or nothing are refused with an `ERR` line and the close; the room hears of none of
/// them, and the server prints one line about each.
pub fn names_with_cr_spaces_17_characters_non_ascii_or_nothing_are_refused_and_nobody_hears(
    program: &Path,
) {
    let mut server = start(program, &[]);
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

/// A name in use is refused; once its owner has left, it can be taken again.
pub fn a_name_in_use_is_refused_and_free_again_once_its_owner_has_left(program: &Path) {
    let server = start(program, &[]);
    let alice = User::join(&server, "alice", &[]);
    let mut bob = User::join(&server, "bob", &["alice"]);
    refused(&server, b"alice", "the name alice is taken");
    alice.quit();
    bob.expect("* alice has left the room");
    let _again = User::join(&server, "alice", &["bob"]);
    bob.expect("* alice has entered the room");
}

/// A client that never sends a name gets an `ERR` line and the close after `--idle-timeout`
/// (0.3 s here), and the server prints one line about it.
pub fn a_client_that_never_sends_a_name_is_told_and_dropped_after_idle_timeout(program: &Path) {
    let mut server = start(program, &["--idle-timeout", "0.3"]);
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

/// `--idle-timeout` is for clients that never send a name: a member may stay quiet longer.
pub fn a_member_may_stay_quiet_longer_than_the_idle_timeout(program: &Path) {
    // Not shorter: each user must send its name within the idle timeout, even on a loaded
    // machine.
    let server = start(program, &["--idle-timeout", "0.2"]);
    let mut alice = User::join(&server, "alice", &[]);
    let mut bob = User::join(&server, "bob", &["alice"]);
    alice.expect("* bob has entered the room");
    // Quiet for twice the idle timeout: a server that dropped quiet members would have.
    std::thread::sleep(Duration::from_millis(400));
    alice.say("still here?");
    bob.expect("[alice] still here?");
}

/// A line of 1000 bytes is relayed; one of 1001 gets an `ERR` line and the close, and the
/// sender leaves the room.
pub fn a_line_of_1000_bytes_passes_and_a_longer_one_gets_an_error_line_and_the_close(
    program: &Path,
) {
    let mut server = start(program, &[]);
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

/// A member who closes the connection in the middle of a line leaves; the half line reaches
/// nobody, and the server says how many bytes came without their `\n`.
pub fn a_user_who_disconnects_mid_line_leaves_and_the_half_line_reaches_nobody(program: &Path) {
    let mut server = start(program, &[]);
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

/// A line that is not UTF-8 gets an `ERR` line and the close, and the sender leaves the room.
pub fn a_line_that_is_not_utf8_gets_an_error_line_and_the_user_leaves(program: &Path) {
    let server = start(program, &[]);
    let mut alice = User::join(&server, "alice", &[]);
    let mut bob = User::join(&server, "bob", &["alice"]);
    alice.expect("* bob has entered the room");
    bob.send(b"caf\xe9\n");
    bob.expect("ERR sent a line that is not UTF-8 text");
    bob.expect_end();
    alice.expect("* bob has left the room");
}

/// With `--max-clients 2`, a third client gets `ERR server full` and the close; once one has
/// gone, there is room again.
pub fn a_client_over_max_clients_is_told_the_server_is_full_and_the_others_go_on(program: &Path) {
    let mut server = start(program, &["--max-clients", "2"]);
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

const USERS: usize = 50;
const LINES: usize = 10;

/// Fifty users join and talk at once, a thread each: each hears every other user's lines
/// exactly once, in the order they were said.
pub fn fifty_users_join_and_talk_at_once_and_each_hears_every_other_line_once_in_order(
    program: &Path,
) {
    let server = start(program, &[]);
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

/// Lines in one write of the talker; the listener must have them all within a second.
const BATCH: usize = 50;
/// The talker gives up after this many lines (16 MB): far more than the buffers of one
/// connection and a queue hold.
const MOST_LINES: usize = 16_000;

/// With `--queue 100`, a member who stops reading is dropped once 100 lines wait for it, while
/// the others get every line within a second; it got the first lines, in order.
pub fn a_user_who_stops_reading_is_dropped_and_the_others_get_every_line_within_a_second(
    program: &Path,
) {
    let mut server = start(program, &["--queue", "100"]);
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
        .expect_line(
            "slow dropped: not reading, 100 lines wait in its queue (--queue 100) (2 in the room)",
        )
        .expect("the drop, with the queue's numbers");
    talker.expect("* slow has left the room");

    // Slow got the first lines, in order, then the end of the connection.
    let got = slow.read_rest();
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
