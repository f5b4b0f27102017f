//! Demo 3: echo-server serves echo-client twice in a row, once with `--interactive`; and the
//! scenarios lesson 3 shows (a client like the Python original's, misbehaving clients).

use anyhow::{Context, Result};

use crate::demo::{Demo, Scenario, Session};
use testkit::client::Conn;
use testkit::procs::Server;

/// `cargo demo 3`.
pub const DEMO: Demo = Demo {
    number: 3,
    title: "echo",
    lesson: "lessons/03-echo.md",
    packages: &["lesson-echo"],
    by_hand: &["cargo run --bin echo-server", "cargo run --bin echo-client"],
    script,
};

fn script(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "echo-server", &["--port", "0"])?;
    let port = server.port_arg();
    session.run("client", "echo-client", &["--port", &port], "")?;
    show_client_served(session, &mut server)?;

    session.say("");
    session.say("(the next client's input: two lines, then the end of input, as Ctrl-D gives)");
    let typed = "hello\nis anybody there?\n";
    let args = ["--port", port.as_str(), "--interactive"];
    session.run("client", "echo-client", &args, typed)?;
    show_client_served(session, &mut server)?;
    session.stop("server", &mut server)
}

/// Shows the server's lines about one client, up to the line that closes it.
fn show_client_served(session: &mut Session, server: &mut Server) -> Result<()> {
    session.show_until("server", server, |line| {
        line.starts_with("closed connection from ") || line.starts_with("client ")
    })
}

/// A client written like the Python original's: it sends and waits for the echo, without
/// closing its sending side; the server must answer each piece at once.
pub const PYTHON_STYLE_CLIENT: Scenario = Scenario {
    name: "echo-python-style-client",
    packages: &["lesson-echo"],
    script: python_style_client,
};

fn python_style_client(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "echo-server", &["--port", "0"])?;
    let mut conn = Conn::connect(server.address)?;
    conn.send(b"Hello, world")?;
    session.say("probe  | sent \"Hello, world\" and waits, without closing anything");
    let echo = conn.receive(12)?;
    session.say(&format!(
        "probe  | received {:?} while still connected",
        String::from_utf8_lossy(&echo)
    ));
    drop(conn);
    session.say("probe  | closes the connection");
    show_client_served(session, &mut server)?;
    session.stop("server", &mut server)
}

/// Clients that misbehave, one after another, and a good one after them.
pub const MISBEHAVING_CLIENTS: Scenario = Scenario {
    name: "echo-misbehaving-clients",
    packages: &["lesson-echo"],
    script: misbehaving_clients,
};

fn misbehaving_clients(session: &mut Session) -> Result<()> {
    let args = ["--port", "0", "--idle-timeout", "0.5"];
    let mut server = session.start_server("server", "echo-server", &args)?;

    let mut conn = Conn::connect(server.address)?;
    conn.send(&[0xff, 0x00, 0xfe, b'\n'])?;
    conn.half_close()?;
    let echo = conn.read_to_close(usize::MAX)?;
    session.say(&format!(
        "probe  | sent ff 00 fe 0a (not text) and shut down; received {}",
        hex(&echo)
    ));
    show_client_served(session, &mut server)?;

    let conn = Conn::connect(server.address)?;
    session.say("probe  | connects and sends nothing");
    show_client_served(session, &mut server)?;
    drop(conn);

    let conn = Conn::connect(server.address)?;
    drop(conn);
    session.say("probe  | connects and closes at once");
    show_client_served(session, &mut server)?;

    let port = server.port_arg();
    session
        .run("client", "echo-client", &["--port", &port], "")
        .context("a good client after the bad ones")?;
    show_client_served(session, &mut server)?;
    session.stop("server", &mut server)
}

fn hex(bytes: &[u8]) -> String {
    let pairs: Vec<String> = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    pairs.join(" ")
}
