//! Budget Chat (Protohackers' chat room, lesson 9's protocol) from the tests' side: a chat
//! [`User`] played by a test, the lines a server prints about users joining
//! ([`expect_joined`]), and in [`scenarios`] the whole tests that every Budget Chat server
//! must pass, line for line: lesson 9's `chat-server` and lesson 10's `async-chat-server` run
//! the same ones, each from thin `#[test]` functions that pass their own binary.
//!
//! Every read of a [`User`] has the time limit of [`crate::client::Conn`]; servers are started
//! on `--port 0` and used only after their `listening on` line ([`start`]).

use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

use crate::client::Conn;
use crate::procs::{STEP_TIMEOUT, Server};

pub mod scenarios;

/// The first line a Budget Chat server sends to every client.
pub const WELCOME: &str = "Welcome to budgetchat! What shall I call you?";

/// Starts the chat server `program` on `--port 0` with the options `extra`, and waits for its
/// `listening on` line. Panics, naming the program, if it never prints it.
pub fn start(program: &Path, extra: &[&str]) -> Server {
    crate::procs::start_or_panic(program, extra)
}

/// A chat user played by the test: a [`Conn`] (every read and write has a time limit) and a
/// line reader on the same connection. Every method panics, saying what was expected, when the
/// server does otherwise: it is meant for tests.
pub struct User {
    conn: Conn,
    reader: BufReader<TcpStream>,
}

impl User {
    /// Connects and reads the welcome line.
    pub fn connect(server: &Server) -> User {
        User::connect_to(server.address)
    }

    /// Connects to the server at `address` and reads the welcome line (for threads, which
    /// cannot share a `Server`).
    pub fn connect_to(address: SocketAddr) -> User {
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
    pub fn join(server: &Server, name: &str, present: &[&str]) -> User {
        let mut user = User::connect(server);
        user.say(name);
        user.expect(&presence(present));
        user
    }

    /// Our side's address, the one the server prints.
    pub fn address(&self) -> SocketAddr {
        self.conn.local_addr().expect("local address")
    }

    /// Sends `bytes` as they are.
    pub fn send(&mut self, bytes: &[u8]) {
        self.conn.send(bytes).expect("send");
    }

    /// Sends one line: `text` and `\n`.
    pub fn say(&mut self, text: &str) {
        self.send(format!("{text}\n").as_bytes());
    }

    /// The next line, without its `\n`. Panics if none comes in time, the connection ends
    /// first, or the line is not UTF-8.
    pub fn next_line(&mut self) -> String {
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

    /// The bytes up to and with the next `\n`, exactly as they arrived (whatever they are).
    pub fn next_raw_line(&mut self) -> Vec<u8> {
        let mut received = Vec::new();
        self.reader
            .read_until(b'\n', &mut received)
            .expect("a line within the step timeout");
        received
    }

    /// The next line must be exactly `expected` (a failure points at the caller's line).
    #[track_caller]
    pub fn expect(&mut self, expected: &str) {
        assert_eq!(self.next_line(), expected);
    }

    /// The server must close the connection now, with nothing more sent.
    pub fn expect_end(&mut self) {
        let mut rest = Vec::new();
        match self.reader.read_to_end(&mut rest) {
            Ok(_) => assert_eq!(String::from_utf8_lossy(&rest), "", "nothing more"),
            Err(error) => assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}"),
        }
    }

    /// Everything the server sends until it closes the connection, or until a read fails (a
    /// reset, the time limit): what arrived before is returned either way.
    pub fn read_rest(&mut self) -> Vec<u8> {
        let mut got = Vec::new();
        let _ = self.reader.read_to_end(&mut got);
        got
    }

    /// Closes the connection, as a user quitting `nc` does.
    pub fn quit(self) {
        drop(self);
    }

    /// Closes the connection with a reset, as a program that crashed does.
    pub fn crash(self) {
        self.conn.reset().expect("reset");
    }
}

/// The line that tells a newcomer who is in the room (`names` in the order they came).
pub fn presence(names: &[&str]) -> String {
    match names.is_empty() {
        true => "* The room contains:".to_string(),
        false => format!("* The room contains: {}", names.join(", ")),
    }
}

/// Reads the server's two lines about `user` joining as `name`, the `count`th in the room.
pub fn expect_joined(server: &mut Server, user: &User, name: &str, count: usize) {
    let address = user.address();
    server.expect_accepted_from(address).expect("accept line");
    server
        .expect_line(&format!(
            "{name} joined from {address} ({count} in the room)"
        ))
        .expect("join line");
}

/// Terminal injection: with alice and mallory in a room of the server `program`, mallory sends
/// `sent` and a `\n`; alice must receive exactly `expected` and a `\n`.
pub fn alice_sees(program: &Path, sent: &[u8], expected: &[u8]) {
    let server = start(program, &[]);
    let mut alice = User::join(&server, "alice", &[]);
    let mut mallory = User::join(&server, "mallory", &["alice"]);
    alice.expect("* mallory has entered the room");
    mallory.send(&[sent, b"\n"].concat());
    let received = alice.next_raw_line();
    assert_eq!(
        String::from_utf8_lossy(&received),
        String::from_utf8_lossy(&[expected, b"\n"].concat()),
        "the bytes alice's terminal gets"
    );
}
