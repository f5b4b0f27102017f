//! Demo 2: time-server sends the time to one time-client. Scenario `time-in-pieces`: a
//! stand-in server sends the time in two pieces, and time-client's trace shows why it
//! receives until the server closes. Scenario `wrong-address`: a server on 127.0.1.1 is not
//! reachable at 127.0.0.1.

use std::io::Write;
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;

use anyhow::{Context, Result};

use crate::demo::{Demo, Scenario, Session};
use testkit::procs::STEP_TIMEOUT;

/// `cargo demo 2`.
pub const DEMO: Demo = Demo {
    number: 2,
    title: "time server",
    lesson: "lessons/02-time-server.md",
    packages: &["lesson-time"],
    by_hand: &["cargo run --bin time-server", "cargo run --bin time-client"],
    script,
};

fn script(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "time-server", &["--port", "0", "--once"])?;
    let port = server.port_arg();
    session.run("client", "time-client", &["--port", &port], "")?;
    session.finish("server", &mut server)
}

/// Scenario `wrong-address`, shown in lesson 2.
pub const WRONG_ADDRESS: Scenario = Scenario {
    name: "wrong-address",
    packages: &["lesson-time"],
    script: wrong_address,
};

/// The server listens on 127.0.1.1 (what the machine's own name means on Debian and Ubuntu);
/// a client that connects to 127.0.0.1 is refused, one that connects to 127.0.1.1 is served.
fn wrong_address(session: &mut Session) -> Result<()> {
    // Reserve the port on 127.0.0.1 (bound, never listening) so that the refusal is certain:
    // no other program can start using 127.0.0.1 with that port while the scenario runs.
    let reserved = testkit::probe::ClosedPort::new()?;
    let port = reserved.port().to_string();
    let args = ["--host", "127.0.1.1", "--port", port.as_str(), "--once"];
    let mut server = session.start_server("server", "time-server", &args)?;
    let status = session.run_to_end("client", "time-client", &["--port", &port], "")?;
    session.say(&format!(
        "client exited with status {}",
        status.code().unwrap_or(-1)
    ));
    let args = ["--host", "127.0.1.1", "--port", port.as_str()];
    session.run("client", "time-client", &args, "")?;
    session.finish("server", &mut server)
}

/// Scenario `time-in-pieces`, shown in lesson 2.
pub const TIME_IN_PIECES: Scenario = Scenario {
    name: "time-in-pieces",
    packages: &["lesson-time"],
    script: time_in_pieces,
};

const FIRST_PIECE: &[u8] = b"Wed Jan 29 ";
const SECOND_PIECE: &[u8] = b"19:14:15 2014\r\n";

/// A stand-in server sends the first piece of a time, waits until time-client has received
/// it (its trace says so), then sends the rest and closes.
fn time_in_pieces(session: &mut Session) -> Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").context("could not bind the stand-in")?;
    let port = listener.local_addr()?.port().to_string();
    let (send_rest, rest_wanted) = mpsc::channel::<()>();
    let stand_in = thread::spawn(move || -> std::io::Result<()> {
        let (mut client, _) = listener.accept()?;
        client.write_all(FIRST_PIECE)?;
        if rest_wanted.recv_timeout(STEP_TIMEOUT).is_ok() {
            client.write_all(SECOND_PIECE)?;
        }
        Ok(())
    });
    session.say("(a stand-in server sends \"Wed Jan 29 \", then waits)");
    let mut client = session.start("client", "time-client", &["--port", &port, "--trace"])?;
    session.show_until("client", &mut client, |line| {
        line.starts_with("trace: recv")
    })?;
    session.say("(the stand-in sends \"19:14:15 2014\\r\\n\" and closes the connection)");
    send_rest
        .send(())
        .context("the stand-in server stopped early")?;
    session.finish("client", &mut client)?;
    match stand_in.join() {
        Ok(result) => result.context("the stand-in server failed"),
        Err(_) => anyhow::bail!("the stand-in server panicked"),
    }
}
