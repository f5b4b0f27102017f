//! Demo 7: udp-server answers one udp-client; then three quick sends over TCP and over UDP,
//! side by side; then udp-client retrying through a lossy `wiretap udp` with a fixed seed.
//! Scenarios: datagrams duplicated and swapped, odd datagrams, a port taken twice.
//!
//! Everything shown is deterministic: the side-by-side sends everything before the receiver
//! reads (so what one read returns does not depend on timing), and wiretap's decisions depend
//! only on its seed and each datagram's number.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};

use anyhow::{Context, Result, bail};

use crate::demo::{Demo, Scenario, Session};
use testkit::procs::{STEP_TIMEOUT, Server};

/// `cargo demo 7`.
pub const DEMO: Demo = Demo {
    number: 7,
    title: "UDP, the contrast",
    lesson: "lessons/07-udp.md",
    packages: &["lesson-udp", "wiretap"],
    by_hand: &["cargo run --bin udp-server", "cargo run --bin udp-client"],
    script,
};

/// The seed that makes `--drop 0.5` lose the client's first datagram and the server's first
/// reply (the same seed as in `lessons/tools-wiretap.md`).
const LOSS_SEED: &str = "2";

/// The seed that makes `--duplicate 0.5` copy the second of four datagrams.
const DUPLICATE_SEED: &str = "8";

fn script(session: &mut Session) -> Result<()> {
    exchange(session)?;
    session.say("");
    side_by_side(session)?;
    session.say("");
    lossy(session)
}

/// udp-server answers one udp-client.
fn exchange(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "udp-server", &["--port", "0", "--once"])?;
    let port = server.port_arg();
    session.run("client", "udp-client", &["--port", &port], "")?;
    session.finish("server", &mut server)
}

/// Three quick sends, then one receiver reads everything: over TCP, then over UDP.
fn side_by_side(session: &mut Session) -> Result<()> {
    session.say("(three sends of \"one\", \"two\", \"three\"; only then does the receiver read)");
    tcp_three_sends(session)?;
    udp_three_sends(session)
}

const THREE: [&str; 3] = ["one", "two", "three"];

fn tcp_three_sends(session: &mut Session) -> Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let mut sender = TcpStream::connect_timeout(&listener.local_addr()?, STEP_TIMEOUT)?;
    sender.set_nodelay(true)?;
    let (mut receiver, _) = listener.accept()?;
    receiver.set_read_timeout(Some(STEP_TIMEOUT))?;
    for message in THREE {
        sender.write_all(message.as_bytes())?;
        session.say(&format!("tcp sender   | send({message:?})"));
    }
    sender.shutdown(Shutdown::Write)?;
    session.say("tcp sender   | shutdown(SHUT_WR): no more data");
    let mut buffer = [0u8; 1024];
    loop {
        let count = receiver.read(&mut buffer)?;
        if count == 0 {
            session.say("tcp receiver | recv(1024) -> 0 bytes: the end of the stream");
            return Ok(());
        }
        let data = String::from_utf8_lossy(&buffer[..count]);
        session.say(&format!(
            "tcp receiver | recv(1024) -> {count} bytes {data:?}"
        ));
    }
}

fn udp_three_sends(session: &mut Session) -> Result<()> {
    let receiver = UdpSocket::bind("127.0.0.1:0")?;
    let sender = UdpSocket::bind("127.0.0.1:0")?;
    for message in THREE {
        sender.send_to(message.as_bytes(), receiver.local_addr()?)?;
        session.say(&format!("udp sender   | sendto({message:?})"));
    }
    // Everything sent on this machine is already waiting: read without waiting, until empty.
    receiver.set_nonblocking(true)?;
    let mut buffer = [0u8; 1024];
    loop {
        match receiver.recv_from(&mut buffer) {
            Ok((count, _)) => {
                let data = String::from_utf8_lossy(&buffer[..count]);
                session.say(&format!(
                    "udp receiver | recvfrom(1024) -> {count} bytes {data:?}"
                ));
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => {
                session.say("udp receiver | recvfrom(1024) -> nothing more is waiting");
                return Ok(());
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// Starts `wiretap udp --listen 127.0.0.1:0 --to TO EXTRA...` and shows its first lines.
fn start_wiretap(session: &mut Session, to: SocketAddr, extra: &[&str]) -> Result<Server> {
    let to = to.to_string();
    let mut args = vec!["udp", "--listen", "127.0.0.1:0", "--to", to.as_str()];
    args.extend_from_slice(extra);
    let mut wiretap = session.start_server("wiretap", "wiretap", &args)?;
    session.show_until("wiretap", &mut wiretap, |line| {
        line.starts_with("forwarding ")
    })?;
    Ok(wiretap)
}

/// udp-client through `wiretap udp --drop 0.5 --seed 2`: the first attempt is lost on the way
/// there, the second one's reply on the way back, the third gets through.
fn lossy(session: &mut Session) -> Result<()> {
    session.say("(a network that loses half the datagrams: the same ones on every run)");
    let mut server = session.start_server("server", "udp-server", &["--port", "0"])?;
    let mut wiretap = start_wiretap(
        session,
        server.address,
        &["--drop", "0.5", "--seed", LOSS_SEED],
    )?;
    let port = wiretap.port_arg();
    let args = ["--port", port.as_str(), "--timeout", "0.3"];
    session.run("client", "udp-client", &args, "")?;
    // The client is done, so wiretap has logged every datagram, in the order of cause and effect.
    session.show_until("wiretap", &mut wiretap, |line| {
        line.contains("server->client") && line.contains("datagram 2 ")
    })?;
    session.show_until("server", &mut server, |line| line.starts_with("Sent"))?;
    session.show_until("server", &mut server, |line| line.starts_with("Sent"))?;
    session.stop("wiretap", &mut wiretap)?;
    session.stop("server", &mut server)
}

/// Scenario `udp-reorder`, shown in lesson 7.
pub const REORDER: Scenario = Scenario {
    name: "udp-reorder",
    packages: &["wiretap"],
    script: reorder,
};

/// Four datagrams through `wiretap udp --duplicate 0.5 --reorder --seed 8`, to a receiver that
/// prints them in the order they arrive.
fn reorder(session: &mut Session) -> Result<()> {
    let receiver = UdpSocket::bind("127.0.0.1:0")?;
    receiver.set_read_timeout(Some(STEP_TIMEOUT))?;
    session.say(&format!(
        "receiver | (a test program that prints each datagram it gets) on {}",
        receiver.local_addr()?
    ));
    let mut wiretap = start_wiretap(
        session,
        receiver.local_addr()?,
        &["--duplicate", "0.5", "--reorder", "--seed", DUPLICATE_SEED],
    )?;
    let sender = UdpSocket::bind("127.0.0.1:0")?;
    let messages = ["one", "two", "three", "four"];
    let mut expected = 0;
    for (index, message) in messages.iter().enumerate() {
        session.say(&format!("sender   | sendto({message:?})"));
        sender.send_to(message.as_bytes(), wiretap.address)?;
        // Wiretap decides at once about this datagram, and about a held one it releases.
        let number = format!("datagram {} ", index + 1);
        let lines = wiretap.wait_for(|line| line.contains(&number))?;
        expected += copies(session, &lines);
        if index % 2 == 1 {
            let number = format!("datagram {} released", index);
            let lines = wiretap.wait_for(|line| line.contains(&number))?;
            expected += copies(session, &lines);
        }
    }
    let mut buffer = [0u8; 1024];
    for _ in 0..expected {
        let (count, _) = receiver
            .recv_from(&mut buffer)
            .context("a datagram that wiretap sent did not arrive")?;
        let data = String::from_utf8_lossy(&buffer[..count]);
        session.say(&format!("receiver | recvfrom(1024) -> {data:?}"));
    }
    receiver.set_nonblocking(true)?;
    match receiver.recv_from(&mut buffer) {
        Err(error) if error.kind() == ErrorKind::WouldBlock => {}
        other => bail!("the receiver got more than wiretap sent: {other:?}"),
    }
    session.stop("wiretap", &mut wiretap)
}

/// Shows wiretap's `lines` and returns how many datagrams they sent.
fn copies(session: &mut Session, lines: &[String]) -> usize {
    let mut sent = 0;
    for line in lines {
        session.say(&format!("wiretap  | {line}"));
        if line.contains(" duplicated: ") {
            sent += 2;
        } else if line.contains(" sent: ") || line.contains(" released: ") {
            sent += 1;
        }
    }
    sent
}

/// Scenario `udp-odd-datagrams`, shown in lesson 7.
pub const ODD_DATAGRAMS: Scenario = Scenario {
    name: "udp-odd-datagrams",
    packages: &["lesson-udp"],
    script: odd_datagrams,
};

/// An empty datagram, bytes that are not text, and 65 000 bytes, then a normal client.
fn odd_datagrams(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "udp-server", &["--port", "0"])?;
    let client = UdpSocket::bind("127.0.0.1:0")?;
    let odd: [(&str, Vec<u8>); 3] = [
        ("an empty datagram", Vec::new()),
        ("the bytes ff fe fd", vec![0xff, 0xfe, 0xfd]),
        ("65000 bytes of \"x\"", vec![b'x'; 65_000]),
    ];
    for (what, data) in odd {
        session.say(&format!("client | sends {what}"));
        client.send_to(&data, server.address)?;
        session.show_until("server", &mut server, |line| line.starts_with("Sent "))?;
    }
    let port = server.port_arg();
    session.run("client", "udp-client", &["--port", &port], "")?;
    session.show_until("server", &mut server, |line| line.starts_with("Sent "))?;
    session.stop("server", &mut server)
}

/// Scenario `udp-port-taken`, shown in lesson 7.
pub const PORT_TAKEN: Scenario = Scenario {
    name: "udp-port-taken",
    packages: &["lesson-udp"],
    script: port_taken,
};

/// A second udp-server on the port the first one has.
fn port_taken(session: &mut Session) -> Result<()> {
    let mut first = session.start_server("first", "udp-server", &["--port", "0"])?;
    let port = first.port_arg();
    let status = session.run_to_end("second", "udp-server", &["--port", &port], "")?;
    session.say(&format!(
        "second exited with status {}",
        status.code().unwrap_or(-1)
    ));
    session.stop("first", &mut first)
}
