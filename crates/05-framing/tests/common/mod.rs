//! What the tests of lesson 5's framed servers (string-server, average-server) share: starting
//! a server, reading what it says about a client, and the misbehaving clients both must outlive.

#![allow(dead_code)] // Each test file uses a different part of this module.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::path::Path;

use course::probe::Probe;
use course::procs::Server;

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
        let mut args = vec!["--port", "0"];
        args.extend_from_slice(extra);
        Server::start(Path::new(self.program), &args)
            .expect("the server should print its ready line")
    }

    /// Connects a probe, lets `misbehave` do its thing, and checks that the server names the
    /// client with `problem` (after its context) and then serves the next client. `misbehave`
    /// returns the probe if it is still open, to check that the server closes it unanswered.
    pub fn assert_reports(
        &self,
        extra: &[&str],
        problem: &str,
        misbehave: impl FnOnce(Probe) -> Option<Probe>,
    ) {
        let mut server = self.start(extra);
        let probe = Probe::connect(server.address).expect("connect");
        let client = probe.local_addr().expect("address");
        let still_open = misbehave(probe);
        expect_accepted(&mut server, client);
        server
            .expect_line(&format!("client {client}: {}: {problem}", self.context))
            .expect("one line naming the client and the problem");
        if let Some(mut probe) = still_open {
            assert_closed_without_reply(&mut probe);
        }
        (self.serve_one)(&mut server);
    }
}

/// Reads the server's `accepted connection from <client>` line.
pub fn expect_accepted(server: &mut Server, client: SocketAddr) {
    server
        .expect_line(&format!("accepted connection from {client}"))
        .expect("the server should accept the client");
}

/// Reads the server's `closed connection from <client>` line.
pub fn expect_closed(server: &mut Server, client: SocketAddr) {
    server
        .expect_line(&format!("closed connection from {client}"))
        .expect("the server should close the connection normally");
}

/// The server closed the connection without sending anything. When it closes with bytes of
/// ours still unread (after refusing a huge header, say), its system sends a reset instead of
/// a normal end: both mean "closed, no reply".
pub fn assert_closed_without_reply(probe: &mut Probe) {
    match probe.receive_to_end() {
        Ok(data) => assert_eq!(data, b"", "the server should send nothing back"),
        Err(error) => {
            let kind = error
                .downcast_ref::<std::io::Error>()
                .map(std::io::Error::kind);
            assert_eq!(kind, Some(ErrorKind::ConnectionReset), "{error:#}");
        }
    }
}

/// `text` as a length-prefixed string, as the tutorial's `send_string` sends it.
pub fn frame(text: &[u8]) -> Vec<u8> {
    let mut wire = format!("{:08}", text.len()).into_bytes();
    wire.extend_from_slice(text);
    wire
}

/// The client's address as the server printed it in `accepted connection from <address>`.
pub fn accepted_client(line: &str) -> String {
    line.strip_prefix("accepted connection from ")
        .unwrap_or_else(|| panic!("unexpected server line {line:?}"))
        .to_string()
}
