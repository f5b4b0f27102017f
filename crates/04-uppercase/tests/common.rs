//! What the tests of lesson 4's two pairs of programs (uppercase, student ID) share: start the
//! server, run the client with what a user types, check one whole exchange on both sides, and
//! stand in for a server.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

use testkit::probe;
use testkit::procs::{self, Server};

/// A server and its client, from `env!("CARGO_BIN_EXE_...")`.
pub struct Pair {
    /// The server's binary.
    pub server: &'static str,
    /// The client's binary.
    pub client: &'static str,
}

impl Pair {
    /// Starts the server on a free port with `extra` options, after its ready line.
    pub fn start_server(&self, extra: &[&str]) -> Server {
        Server::start_on_port_0(Path::new(self.server), extra).unwrap_or_else(|error| {
            panic!("{} should print its ready line: {error:#}", self.server)
        })
    }

    /// Runs the client with `args` and `typed` on its stdin, to its end, for checks of what
    /// it did (`.code(1).stderr(...)`).
    pub fn run_client(&self, args: &[&str], typed: &str) -> procs::Assert {
        procs::one_shot(Path::new(self.client), args, typed.as_bytes())
    }

    /// Runs the client against `server`, typing `typed`, and checks both sides exactly: the
    /// client prints `stdout` (nothing on stderr) and exits with 0; the server accepts it,
    /// prints `lines(client)` and closes the connection.
    pub fn assert_exchange(
        &self,
        server: &mut Server,
        typed: &str,
        stdout: &str,
        lines: impl Fn(SocketAddr) -> Vec<String>,
    ) {
        self.run_client(&["--port", &server.port_arg()], typed)
            .stderr("")
            .stdout(stdout.to_string())
            .code(0);
        let client = server
            .expect_accepted()
            .expect("the server reports the client");
        for line in lines(client) {
            server.expect_line(&line).expect("the server's report");
        }
        server.expect_closed(client).expect("the server's report");
    }
}

/// A server of our own for testing a client: accepts one connection and hands it to `talk`.
pub fn fake_server(talk: impl FnOnce(TcpStream) + Send + 'static) -> SocketAddr {
    let (address, _) = probe::fake_server(talk).expect("a fake server");
    address
}

/// A server of our own that sends `byte` over and over (a megabyte) without a newline or a
/// pause: for a client's limit on what it reads.
pub fn flooding_server(byte: u8) -> SocketAddr {
    fake_server(move |mut stream| {
        let chunk = [byte; 1000];
        for _ in 0..1000 {
            if stream.write_all(&chunk).is_err() {
                break;
            }
        }
    })
}
