//! Demo 6: image-client sends a picture to image-server, first as the tutorial does (base64
//! in JSON, up to `##END##`), then behind a length header. Also the scenarios lesson 6 shows:
//! the delimiter inside a JSON string, misbehaving clients, and `--trace`.
//!
//! The server saves into a temporary folder, removed at the end, so a demo never leaves
//! files in the course folder.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::demo::{Demo, Scenario, Session};
use testkit::client::Conn;
use testkit::procs::Server;

/// `cargo demo 6`.
pub const DEMO: Demo = Demo {
    number: 6,
    title: "image transfer",
    lesson: "lessons/06-image-transfer.md",
    packages: &["lesson-image"],
    by_hand: &[
        "cargo run --bin image-server",
        "cargo run --bin image-client -- --generate 320x240",
    ],
    script,
};

/// `<!-- output: scenario image-delimiter-in-a-string -->`: `##END##` inside a JSON string.
pub const DELIMITER_IN_A_STRING: Scenario = Scenario {
    name: "image-delimiter-in-a-string",
    packages: &["lesson-image"],
    script: delimiter_in_a_string,
};

/// `<!-- output: scenario image-bad-clients -->`: clients that send what is not a picture.
pub const BAD_CLIENTS: Scenario = Scenario {
    name: "image-bad-clients",
    packages: &["lesson-image"],
    script: bad_clients,
};

/// `<!-- output: scenario image-trace -->`: the server's `--trace` for both formats.
pub const TRACE: Scenario = Scenario {
    name: "image-trace",
    packages: &["lesson-image"],
    script: trace,
};

fn script(session: &mut Session) -> Result<()> {
    let folder = TempFolder::new("image-demo")?;
    let mut server = start_server(session, &folder, &[])?;
    let port = server.port_arg();
    session.run(
        "client",
        "image-client",
        &["--port", &port, "--generate", "320x240"],
        "",
    )?;
    show_client_done(session, &mut server)?;
    session.run(
        "client",
        "image-client",
        &[
            "--port",
            &port,
            "--generate",
            "320x240",
            "--framing",
            "length",
        ],
        "",
    )?;
    show_client_done(session, &mut server)?;
    session.stop("server", &mut server)
}

/// A client that writes `##END##` inside a JSON string, as Python's `json.dumps` leaves it,
/// then image-client with the same text, which it escapes.
fn delimiter_in_a_string(session: &mut Session) -> Result<()> {
    let folder = TempFolder::new("image-scenario-delimiter")?;
    let mut server = start_server(session, &folder, &[])?;
    let port = server.port_arg();
    let careless = br#"{"image": "iVBORw0KGgo=", "other_info": "the end is ##END## here"}##END##"#;
    session.say(&format!(
        "probe  $ send {}",
        String::from_utf8_lossy(careless)
    ));
    let mut conn = Conn::connect(server.address)?;
    conn.send(careless)?;
    let answer = conn.receive_some(1024)?;
    session.say(&format!(
        "probe  | answer: {}",
        String::from_utf8_lossy(&answer).trim_end()
    ));
    drop(conn);
    show_until_client_line(session, &mut server)?;
    session.run(
        "client",
        "image-client",
        &[
            "--port",
            &port,
            "--generate",
            "8x8",
            "--info",
            "the end is ##END## here",
        ],
        "",
    )?;
    show_client_done(session, &mut server)?;
    session.stop("server", &mut server)
}

/// Clients that send what is not a picture; the server names each and goes on.
fn bad_clients(session: &mut Session) -> Result<()> {
    let folder = TempFolder::new("image-scenario-bad")?;
    let mut server = start_server(session, &folder, &["--max-bytes", "1000"])?;
    let endless = format!("{{\"image\": \"{}", "A".repeat(2000));
    let attempts: [(&str, &[u8]); 5] = [
        (
            "{image: iVBORw0KGgo=}##END##",
            b"{image: iVBORw0KGgo=}##END##",
        ),
        (
            r#"{"image": "iVBOR*w0KGgo"}##END##"#,
            br#"{"image": "iVBOR*w0KGgo"}##END##"#,
        ),
        (
            r#"{"image": "aGVsbG8="}##END##"#,
            br#"{"image": "aGVsbG8="}##END##"#,
        ),
        (
            r#"{"image": "AAAA... (2000 bytes, no ##END##)"#,
            endless.as_bytes(),
        ),
        (
            r#"{"image": "iVBORw0K (then it closes)"#,
            br#"{"image": "iVBORw0K"#,
        ),
    ];
    for (shown, data) in attempts {
        session.say(&format!("probe  $ send {shown}"));
        let mut conn = Conn::connect(server.address)?;
        conn.send(data)?;
        conn.half_close()?;
        show_until_client_line(session, &mut server)?;
    }
    session.stop("server", &mut server)
}

/// The server's `--trace` for one picture in each format.
fn trace(session: &mut Session) -> Result<()> {
    let folder = TempFolder::new("image-scenario-trace")?;
    let mut server = start_server(session, &folder, &["--trace"])?;
    let port = server.port_arg();
    for framing in ["delimiter", "length"] {
        session.run(
            "client",
            "image-client",
            &["--port", &port, "--generate", "4x4", "--framing", framing],
            "",
        )?;
        show_client_done(session, &mut server)?;
    }
    session.stop("server", &mut server)
}

/// Starts image-server on port 0, saving into `folder`, and shows its first two lines.
fn start_server(session: &mut Session, folder: &TempFolder, extra: &[&str]) -> Result<Server> {
    let mut args = vec!["--port", "0", "--out-dir", folder.arg()?];
    args.extend_from_slice(extra);
    let mut server = session.start_server("server", "image-server", &args)?;
    session.show_until("server", &mut server, |line| {
        line.starts_with("saving pictures in ")
    })?;
    Ok(server)
}

/// Shows the server's lines up to the end of the current client's connection.
fn show_client_done(session: &mut Session, server: &mut Server) -> Result<()> {
    session.show_until("server", server, |line| {
        line.starts_with("closed connection from ") || line.starts_with("client ")
    })
}

/// Shows the server's lines up to its one line about a misbehaving client.
fn show_until_client_line(session: &mut Session, server: &mut Server) -> Result<()> {
    session.show_until("server", server, |line| line.starts_with("client "))
}

/// A folder under the system's temporary folder, removed when the demo ends (even if it fails).
struct TempFolder {
    path: PathBuf,
}

impl TempFolder {
    fn new(name: &str) -> Result<TempFolder> {
        let path = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("could not create {}", path.display()))?;
        Ok(TempFolder { path })
    }

    fn arg(&self) -> Result<&str> {
        self.path
            .to_str()
            .context("the temporary folder's path is not UTF-8")
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
