//! What the tests of lesson 5's framed servers (string-server, average-server) share: starting
//! a server, reading what it says about a client, and the misbehaving clients both must outlive.

#![allow(dead_code)] // Each test file uses a different part of this module.

use std::io::ErrorKind;
use std::path::Path;

use testkit::probe::Probe;
use testkit::procs::Server;

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
        server
            .expect_accepted_then_problem(client, &format!("{}: {problem}", self.context))
            .expect("one line naming the client and the problem");
        if let Some(mut probe) = still_open {
            assert_closed_without_reply(&mut probe);
        }
        (self.serve_one)(&mut server);
    }
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
