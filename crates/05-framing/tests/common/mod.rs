//! What the tests of lesson 5's framed servers (string-server, average-server) share: starting
//! a server, reading what it says about a client, and the misbehaving clients both must outlive.

#![allow(dead_code)] // Each test file uses a different part of this module.

use std::path::Path;

use testkit::client::{Conn, End};
use testkit::procs::{STEP_TIMEOUT, Server};

/// One of the framed servers under test.
pub struct Framed {
    /// The binary, from `env!("CARGO_BIN_EXE_...")`.
    pub program: &'static str,
    /// How the server introduces a broken frame: `could not receive a string`.
    pub context: &'static str,
    /// Serves one well-behaved client and checks both sides.
    pub serve_one: fn(&mut Server),
}

impl Framed {
    /// Starts the server on a free port with `extra` options.
    pub fn start(&self, extra: &[&str]) -> Server {
        Server::start_on_port_0(Path::new(self.program), extra)
            .expect("the server should print its ready line")
    }

    /// Connects a client, lets `misbehave` do its thing, and checks that the server names the
    /// client with `problem` (after its context) and then serves the next client. `misbehave`
    /// returns the connection if it is still open, to check that the server closes it
    /// unanswered.
    pub fn assert_reports(
        &self,
        extra: &[&str],
        problem: &str,
        misbehave: impl FnOnce(Conn) -> Option<Conn>,
    ) {
        let mut server = self.start(extra);
        let conn = Conn::connect(server.address).expect("connect");
        let client = conn.local_addr().expect("address");
        let still_open = misbehave(conn);
        server
            .expect_accepted_then_problem(client, &format!("{}: {problem}", self.context))
            .expect("one line naming the client and the problem");
        if let Some(mut conn) = still_open {
            assert_closed_without_reply(&mut conn);
        }
        (self.serve_one)(&mut server);
    }
}

/// The server closed the connection without sending anything. When it closes with bytes of
/// ours still unread (after refusing a huge header, say), its system sends a reset instead of
/// a normal end: both mean "closed, no reply".
pub fn assert_closed_without_reply(conn: &mut Conn) {
    assert!(
        conn.closes_within(STEP_TIMEOUT),
        "the server should close the connection"
    );
    assert_eq!(conn.received(), b"", "the server should send nothing back");
    assert!(
        matches!(conn.end(), Some(End::Closed | End::Reset)),
        "{:?}",
        conn.end()
    );
}

/// `text` as a length-prefixed string, as the tutorial's `send_string` sends it.
pub fn frame(text: &[u8]) -> Vec<u8> {
    let mut wire = format!("{:08}", text.len()).into_bytes();
    wire.extend_from_slice(text);
    wire
}
