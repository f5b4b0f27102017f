//! Demo 4: uppercase-server answers one uppercase-client, then id-server asks one id-client;
//! the demo types the input. Scenarios: a sentence that arrives in two pieces, an id-client
//! whose stdin is closed at once, and two programs that both wait for the other to speak.

use std::net::SocketAddr;

use anyhow::Result;

use crate::demo::{Demo, Scenario, Session};
use testkit::client::Conn;

/// `cargo demo 4`.
pub const DEMO: Demo = Demo {
    number: 4,
    title: "uppercase, conversation",
    lesson: "lessons/04-uppercase.md",
    packages: &["lesson-uppercase"],
    by_hand: &[
        "cargo run --bin uppercase-server   (then: cargo run --bin id-server)",
        "cargo run --bin uppercase-client   (then: cargo run --bin id-client)",
    ],
    script,
};

fn script(session: &mut Session) -> Result<()> {
    let mut server =
        session.start_server("server", "uppercase-server", &["--port", "0", "--once"])?;
    let port = server.port_arg();
    session.say("(the demo types \"hello, straße!\" and Enter for you)");
    let typed = "hello, straße!\n";
    session.run("client", "uppercase-client", &["--port", &port], typed)?;
    session.finish("server", &mut server)?;

    session.say("");
    let mut server = session.start_server("server", "id-server", &["--port", "0", "--once"])?;
    let port = server.port_arg();
    session.say("(the demo types \"b12345678\" and Enter for you)");
    session.run("client", "id-client", &["--port", &port], "b12345678\n")?;
    session.finish("server", &mut server)
}

/// Scenario `uppercase-in-pieces`, shown in lesson 4.
pub const UPPERCASE_IN_PIECES: Scenario = Scenario {
    name: "uppercase-in-pieces",
    packages: &["lesson-uppercase"],
    script: uppercase_in_pieces,
};

/// Scenario `id-client-stdin-closed`, shown in lesson 4.
pub const ID_CLIENT_STDIN_CLOSED: Scenario = Scenario {
    name: "id-client-stdin-closed",
    packages: &["lesson-uppercase"],
    script: id_client_stdin_closed,
};

/// Scenario `id-trace`, shown in lesson 4.
pub const ID_TRACE: Scenario = Scenario {
    name: "id-trace",
    packages: &["lesson-uppercase"],
    script: id_trace,
};

/// The student ID exchange with `--trace` on both sides.
fn id_trace(session: &mut Session) -> Result<()> {
    let args = ["--port", "0", "--once", "--trace"];
    let mut server = session.start_server("server", "id-server", &args)?;
    let port = server.port_arg();
    session.say("(the demo types \"b12345678\" and Enter for you)");
    let args = ["--port", port.as_str(), "--trace"];
    session.run("client", "id-client", &args, "b12345678\n")?;
    session.finish("server", &mut server)
}

/// Scenario `both-wait`, shown in lesson 4.
pub const BOTH_WAIT: Scenario = Scenario {
    name: "both-wait",
    packages: &["lesson-uppercase"],
    script: both_wait,
};

/// A client of ours sends the first half of its sentence, "hello ", and waits: the server
/// takes that piece for the whole sentence, answers it and closes.
fn uppercase_in_pieces(session: &mut Session) -> Result<()> {
    let mut server =
        session.start_server("server", "uppercase-server", &["--port", "0", "--once"])?;
    session.say("(a client of ours sends \"hello \" and waits before sending \"world\")");
    let mut client = Conn::connect(server.address)?;
    client.send(b"hello ")?;
    let reply = client.read_to_close(usize::MAX)?;
    session.say(&format!(
        "client | received {:?}, then the end of the connection: \"world\" is too late",
        String::from_utf8_lossy(&reply)
    ));
    drop(client);
    session.finish("server", &mut server)
}

/// id-client with nothing on stdin, as after Ctrl-D at the prompt.
fn id_client_stdin_closed(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "id-server", &["--port", "0", "--once"])?;
    let port = server.port_arg();
    session.say("(the demo closes the client's stdin at once, as Ctrl-D does)");
    let status = session.run_to_end("client", "id-client", &["--port", &port], "")?;
    session.say(&format!("client exited with status {}", exit_code(status)));
    session.finish("server", &mut server)
}

/// id-client against uppercase-server: each waits for the other to speak first.
fn both_wait(session: &mut Session) -> Result<()> {
    let mut server =
        session.start_server("server", "uppercase-server", &["--port", "0", "--once"])?;
    let address: SocketAddr = server.address;
    let port = address.port().to_string();
    let args = ["--port", port.as_str(), "--timeout", "0.5"];
    let status = session.run_to_end("client", "id-client", &args, "b12345678\n")?;
    session.say(&format!("client exited with status {}", exit_code(status)));
    session.finish("server", &mut server)
}

fn exit_code(status: std::process::ExitStatus) -> String {
    status
        .code()
        .map_or_else(|| "none (killed)".to_string(), |code| code.to_string())
}
