//! Demo 1: simple-server answers one simple-client.

use anyhow::Result;

use crate::demo::{Demo, Session};

/// `cargo demo 1`.
pub const DEMO: Demo = Demo {
    number: 1,
    title: "simple server",
    lesson: "lessons/01-simple-server.md",
    packages: &["lesson-simple"],
    by_hand: &[
        "cargo run --bin simple-server",
        "cargo run --bin simple-client",
    ],
    script,
};

fn script(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "simple-server", &["--port", "0", "--once"])?;
    let port = server.port_arg();
    session.run("client", "simple-client", &["--port", &port], "")?;
    session.finish("server", &mut server)
}
