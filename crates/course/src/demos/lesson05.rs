//! Demo 5: the tutorial's four experiments (one read is not one message), then the average
//! exchange over length-prefixed strings. Also the scenarios lesson 5 shows: framed messages
//! cut in every way, and clients that send broken frames.

use anyhow::Result;

use crate::demo::{Demo, Scenario, Session};
use testkit::client::Conn;
use testkit::procs::Server;

/// `cargo demo 5`.
pub const DEMO: Demo = Demo {
    number: 5,
    title: "framing: TCP is a byte stream",
    lesson: "lessons/05-framing.md",
    packages: &["lesson-framing"],
    by_hand: &[
        "cargo run --bin stream-server",
        "cargo run --bin stream-client -- --mode split",
    ],
    script,
};

fn script(session: &mut Session) -> Result<()> {
    let experiments: [(&str, &[&str], &[&str]); 4] = [
        ("whole: one write of HelloWorld", &[], &["--mode", "whole"]),
        (
            "split: Hello, then World once the server has read",
            &[],
            &["--mode", "split"],
        ),
        (
            "silent: connect, wait, close",
            &[],
            &["--mode", "silent", "--pause", "0.2"],
        ),
        (
            "merged: two writes while the server is busy",
            &["--read-delay", "0.2"],
            &["--mode", "merged"],
        ),
    ];
    for (number, (title, server_args, client_args)) in experiments.into_iter().enumerate() {
        session.say(&format!("--- experiment {}, {title}", number + 1));
        experiment(session, server_args, client_args)?;
        session.say("");
    }

    session.say("--- the exercise: an average over length-prefixed strings");
    let mut server =
        session.start_server("server", "average-server", &["--port", "0", "--once"])?;
    let port = server.port_arg();
    session.run(
        "client",
        "average-client",
        &["--port", &port, "1", "2", "3.5"],
        "",
    )?;
    session.finish("server", &mut server)
}

/// stream-server (which serves one client and exits) against stream-client.
fn experiment(session: &mut Session, server_args: &[&str], client_args: &[&str]) -> Result<()> {
    let mut args = vec!["--port", "0"];
    args.extend_from_slice(server_args);
    let mut server = session.start_server("server", "stream-server", &args)?;
    let port = server.port_arg();
    let mut args = vec!["--port", port.as_str()];
    args.extend_from_slice(client_args);
    session.run("client", "stream-client", &args, "")?;
    session.finish("server", &mut server)
}

/// Strings arriving several in one read, or one byte per read: the server sees each whole.
pub const STRINGS_CUT_ANY_WAY: Scenario = Scenario {
    name: "strings-cut-any-way",
    packages: &["lesson-framing"],
    script: strings_cut_any_way,
};

/// Broken frames: bad headers, a message cut short, bytes that are not text.
pub const BROKEN_FRAMES: Scenario = Scenario {
    name: "broken-frames",
    packages: &["lesson-framing"],
    script: broken_frames,
};

/// Frames that arrive together, and a frame that arrives a byte at a time.
fn strings_cut_any_way(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "string-server", &["--port", "0"])?;

    session.say("client > sends \"00000005Hello0000000000000005World\" in one write");
    let mut conn = Conn::connect(server.address)?;
    conn.send(b"00000005Hello0000000000000005World")?;
    conn.half_close()?;
    let replies = conn.read_to_close(usize::MAX)?;
    session.say(&format!("client < receives {}", shown(&replies)));
    show_until_closed(session, &mut server)?;

    let frame = "00000007grüße".as_bytes();
    session.say(&format!(
        "client > sends {} one byte per write ({} writes)",
        shown(frame),
        frame.len()
    ));
    let mut conn = Conn::connect(server.address)?;
    conn.send_bytewise(frame)?;
    let reply = conn.receive(15)?;
    session.say(&format!("client < receives {}", shown(&reply)));
    drop(conn);
    show_until_closed(session, &mut server)?;
    session.stop("server", &mut server)
}

/// Clients whose frames are broken: the server names each one, closes it, and goes on.
fn broken_frames(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "string-server", &["--port", "0"])?;
    let cases: [(&str, &[u8], bool); 5] = [
        ("a header that is not a number", b"abcdefgh", false),
        ("a negative header", b"-0000001", false),
        ("a huge header", b"99999999999", false),
        (
            "10 bytes promised, 5 sent, then closes",
            b"00000010Hello",
            true,
        ),
        ("a message that is not UTF-8", b"00000002\xff\xfe", false),
    ];
    for (what, bytes, then_close) in cases {
        session.say(&format!("client > {what}: sends {}", shown(bytes)));
        let mut conn = Conn::connect(server.address)?;
        conn.send(bytes)?;
        if then_close {
            conn.half_close()?;
        }
        show_until_closed(session, &mut server)?;
    }
    session.say("and the next client is served:");
    let port = server.port_arg();
    session.run(
        "client",
        "string-client",
        &["--port", &port, "--message", "still here?"],
        "",
    )?;
    show_until_closed(session, &mut server)?;
    session.stop("server", &mut server)
}

/// Bytes as a quoted string: text as it is, other bytes as `\xff`.
fn shown(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => format!("{text:?}"),
        Err(_) => format!("\"{}\"", bytes.escape_ascii()),
    }
}

/// Shows the server's lines up to the end of its current client (closed, or reported).
fn show_until_closed(session: &mut Session, server: &mut Server) -> Result<()> {
    session.show_until("server", server, |line| {
        line.starts_with("closed connection from ") || line.starts_with("client ")
    })
}

/// `<!-- output: scenario strings-through-wiretap -->`: a length-prefixed string crossing
/// wiretap in 4-byte pieces, and still arriving whole. The server runs without `--trace`:
/// how many pieces each of its reads finds depends on timing (`--delay-ms 20` makes one piece
/// per read likely, not certain), and a transcript must be the same on every run.
pub const STRINGS_THROUGH_WIRETAP: Scenario = Scenario {
    name: "strings-through-wiretap",
    packages: &["lesson-framing", "wiretap"],
    script: strings_through_wiretap,
};

fn strings_through_wiretap(session: &mut Session) -> Result<()> {
    let server_args = ["--port", "0", "--once"];
    let mut server = session.start_server("server", "string-server", &server_args)?;
    let to = server.address.to_string();
    let tap_args = [
        "tcp",
        "--listen",
        "127.0.0.1:0",
        "--to",
        &to,
        "--chunk",
        "4",
        "--delay-ms",
        "20",
        "--once",
    ];
    let mut tap = session.start_server("wiretap", "wiretap", &tap_args)?;
    let port = tap.port_arg();
    session.run(
        "client",
        "string-client",
        &["--port", &port, "--message", "Hi"],
        "",
    )?;
    session.finish("wiretap", &mut tap)?;
    session.finish("server", &mut server)
}
