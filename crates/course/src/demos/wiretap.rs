//! Scenarios for `lessons/tools-wiretap.md`: wiretap between a client and a server, with the
//! disturbances that page explains.
//!
//! A transcript must come out the same on every run (apart from ports and times), so each
//! script waits for wiretap's line about one step before it takes the next. Where the order of
//! two events would depend on which program the operating system runs first (two sides closing
//! at the same moment, say), the client is driven by hand with a [`Conn`] and narrated with
//! `session.say`, and the servers that print what each `read` returned are small threads here.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::demo::{Scenario, Session};
use testkit::client::Conn;
use testkit::probe::ClosedPort;
use testkit::procs::{STEP_TIMEOUT, Server};

/// `wiretap-tcp`: simple-server behind wiretap, one exchange.
pub const TCP: Scenario = Scenario {
    name: "wiretap-tcp",
    packages: &["lesson-simple", "wiretap"],
    script: tcp,
};

/// `wiretap-hex`: the same exchange, shown with `--hex`.
pub const HEX: Scenario = Scenario {
    name: "wiretap-hex",
    packages: &["lesson-simple", "wiretap"],
    script: hex,
};

/// `wiretap-chunk`: one write arrives in three reads, through `--chunk 5 --delay-ms 100`.
pub const CHUNK: Scenario = Scenario {
    name: "wiretap-chunk",
    packages: &["wiretap"],
    script: chunk,
};

/// `wiretap-coalesce`: two writes 100 ms apart arrive in one read, through `--coalesce 5`.
/// The client shuts down its side after the second write, which ends the gathering at once:
/// the window is long so that the two writes fall in it however slow the machine is.
pub const COALESCE: Scenario = Scenario {
    name: "wiretap-coalesce",
    packages: &["wiretap"],
    script: coalesce,
};

/// `wiretap-reset`: a client resets mid-message, and wiretap resets the server's connection.
pub const RESET: Scenario = Scenario {
    name: "wiretap-reset",
    packages: &["wiretap"],
    script: reset,
};

/// `wiretap-refused`: no server behind wiretap.
pub const REFUSED: Scenario = Scenario {
    name: "wiretap-refused",
    packages: &["wiretap"],
    script: refused,
};

/// `wiretap-udp-drop`: six pings through `wiretap udp --drop 0.5 --seed 2`.
pub const UDP_DROP: Scenario = Scenario {
    name: "wiretap-udp-drop",
    packages: &["wiretap"],
    script: udp_drop,
};

/// Starts `wiretap PROTOCOL --listen 127.0.0.1:0 --to TO EXTRA...` and shows its first lines.
fn start_wiretap(
    session: &mut Session,
    protocol: &str,
    to: SocketAddr,
    extra: &[&str],
) -> Result<Server> {
    let to = to.to_string();
    let mut args = vec![protocol, "--listen", "127.0.0.1:0", "--to", to.as_str()];
    args.extend_from_slice(extra);
    let mut wiretap = session.start_server("wiretap", "wiretap", &args)?;
    session.show_until("wiretap", &mut wiretap, |line| {
        line.starts_with("forwarding ")
    })?;
    Ok(wiretap)
}

fn show_until_contains(session: &mut Session, wiretap: &mut Server, text: &str) -> Result<()> {
    session.show_until("wiretap", wiretap, |line| line.contains(text))
}

/// simple-server behind wiretap, and a client that sends a message, reads the reply and the
/// end of the stream, then closes (as `nc` does).
fn exchange(session: &mut Session, extra: &[&str]) -> Result<()> {
    let hex = extra.contains(&"--hex");
    let mut server = session.start_server("server", "simple-server", &["--port", "0", "--once"])?;
    let mut wiretap = start_wiretap(session, "tcp", server.address, extra)?;
    session.say(&format!(
        "client | connects to wiretap at {}",
        wiretap.address
    ));
    let mut client = Conn::connect(wiretap.address)?;
    show_until_contains(session, &mut wiretap, " open: ")?;
    session.say("client | sends \"Hello Server!\"");
    client.send(b"Hello Server!")?;
    show_piece(session, &mut wiretap, "client->server +", hex)?;
    show_piece(session, &mut wiretap, "server->client +", hex)?;
    let reply = client.receive(13)?;
    session.say(&format!("client | receives {}", quoted(&reply)));
    show_until_contains(session, &mut wiretap, " end ")?;
    let rest = client.read_to_close(usize::MAX)?;
    if !rest.is_empty() {
        bail!("the client received more: {}", quoted(&rest));
    }
    session.say("client | reads 0 bytes (the end of the stream) and closes");
    drop(client);
    show_until_contains(session, &mut wiretap, " closed ")?;
    session.finish("server", &mut server)?;
    session.stop("wiretap", &mut wiretap)
}

/// Shows wiretap's lines up to the next one containing `text`, and with `--hex`, the hexdump
/// row that follows it (one row: the pieces here are short).
fn show_piece(session: &mut Session, wiretap: &mut Server, text: &str, hex: bool) -> Result<()> {
    show_until_contains(session, wiretap, text)?;
    if hex {
        session.show_until("wiretap", wiretap, |line| line.starts_with("    0000  "))?;
    }
    Ok(())
}

/// Bytes as the course's programs print them: quoted, escaped text.
fn quoted(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

fn tcp(session: &mut Session) -> Result<()> {
    exchange(session, &[])
}

fn hex(session: &mut Session) -> Result<()> {
    exchange(session, &["--hex"])
}

/// What one `read` of the reading server returned.
type ReadResult = std::io::Result<Vec<u8>>;

/// A server on a thread that accepts one connection and reports what each `read` returns,
/// until the end of the stream or an error.
fn reading_server() -> Result<(SocketAddr, Receiver<ReadResult>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    let (reads, received) = mpsc::channel();
    thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let _ = stream.set_read_timeout(Some(STEP_TIMEOUT));
        let mut buffer = [0u8; 1024];
        loop {
            let read = stream
                .read(&mut buffer)
                .map(|count| buffer[..count].to_vec());
            let more = matches!(&read, Ok(data) if !data.is_empty());
            if reads.send(read).is_err() || !more {
                return;
            }
        }
    });
    Ok((address, received))
}

/// Shows, for each read of the server, wiretap's line about what it sent and then what the
/// read returned, until the end of the stream.
fn show_reads(
    session: &mut Session,
    wiretap: &mut Server,
    reads: &Receiver<ReadResult>,
) -> Result<()> {
    loop {
        show_until_contains(session, wiretap, "client->server +")?;
        if !show_read(session, reads)? {
            return Ok(());
        }
    }
}

/// Shows what the server's next read returned; false when nothing more will come.
fn show_read(session: &mut Session, reads: &Receiver<ReadResult>) -> Result<bool> {
    let read = reads
        .recv_timeout(STEP_TIMEOUT)
        .context("the server read nothing")?;
    match read {
        Ok(data) if data.is_empty() => {
            session.say("server | read 0 bytes: the end of the stream");
            Ok(false)
        }
        Ok(data) => {
            let count = data.len();
            session.say(&format!("server | read {count} bytes {}", quoted(&data)));
            Ok(true)
        }
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {
            session.say("server | read fails: connection reset");
            Ok(false)
        }
        Err(error) => bail!("the server's read failed: {error}"),
    }
}

fn start_reading_server(session: &mut Session) -> Result<(SocketAddr, Receiver<ReadResult>)> {
    let (address, reads) = reading_server()?;
    session.say(&format!(
        "server | (a test server that prints what each read returns) listening on {address}"
    ));
    Ok((address, reads))
}

fn reset(session: &mut Session) -> Result<()> {
    let (server, reads) = start_reading_server(session)?;
    let mut wiretap = start_wiretap(session, "tcp", server, &[])?;
    let mut client = Conn::connect(wiretap.address)?;
    show_until_contains(session, &mut wiretap, " open: ")?;
    session.say("client | sends \"Hel\"");
    client.send(b"Hel")?;
    show_until_contains(session, &mut wiretap, "client->server +")?;
    show_read(session, &reads)?;
    session.say("client | resets the connection (SO_LINGER 0, then close)");
    client.reset()?;
    show_until_contains(session, &mut wiretap, " reset ")?;
    show_read(session, &reads)?;
    show_until_contains(session, &mut wiretap, " closed ")?;
    session.stop("wiretap", &mut wiretap)
}

fn chunk(session: &mut Session) -> Result<()> {
    let (server, reads) = start_reading_server(session)?;
    let mut wiretap = start_wiretap(
        session,
        "tcp",
        server,
        &["--chunk", "5", "--delay-ms", "100"],
    )?;
    let mut client = Conn::connect(wiretap.address)?;
    show_until_contains(session, &mut wiretap, " open: ")?;
    session.say("client | sends \"Hello Server!\" with one write, then shuts down its side");
    client.send(b"Hello Server!")?;
    client.half_close()?;
    show_reads(session, &mut wiretap, &reads)?;
    show_until_contains(session, &mut wiretap, " closed ")?;
    session.stop("wiretap", &mut wiretap)
}

fn coalesce(session: &mut Session) -> Result<()> {
    let (server, reads) = start_reading_server(session)?;
    let mut wiretap = start_wiretap(session, "tcp", server, &["--coalesce", "5"])?;
    let mut client = Conn::connect(wiretap.address)?;
    show_until_contains(session, &mut wiretap, " open: ")?;
    session.say("client | sends \"Hello\", waits 100 ms, sends \" Server!\", shuts down its side");
    client.send(b"Hello")?;
    thread::sleep(Duration::from_millis(100));
    client.send(b" Server!")?;
    client.half_close()?;
    show_reads(session, &mut wiretap, &reads)?;
    show_until_contains(session, &mut wiretap, " closed ")?;
    session.stop("wiretap", &mut wiretap)
}

fn refused(session: &mut Session) -> Result<()> {
    let closed = ClosedPort::new()?;
    let to: SocketAddr = format!("127.0.0.1:{}", closed.port()).parse()?;
    session.say(&format!("(nothing listens on {to})"));
    let mut wiretap = start_wiretap(session, "tcp", to, &[])?;
    session.say("client | connects to wiretap");
    let outcome = connect_and_read(wiretap.address);
    show_until_contains(session, &mut wiretap, "#1 ")?;
    match outcome {
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {
            session.say("client | its connection is reset");
        }
        other => bail!("the client got {other:?} instead of a reset"),
    }
    session.stop("wiretap", &mut wiretap)
}

/// Connects to `address` and reads once. A reset that comes right after the connection was
/// accepted shows up either here (if it arrives before `connect` returns) or in the read.
fn connect_and_read(address: SocketAddr) -> std::io::Result<usize> {
    let mut stream = TcpStream::connect_timeout(&address, STEP_TIMEOUT)?;
    stream.set_read_timeout(Some(STEP_TIMEOUT))?;
    stream.read(&mut [0u8; 1024])
}

/// A UDP echo server on a thread.
fn udp_echo_server() -> Result<SocketAddr> {
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    let address = socket.local_addr()?;
    socket.set_read_timeout(Some(STEP_TIMEOUT))?;
    thread::spawn(move || {
        let mut buffer = [0u8; 2048];
        while let Ok((size, sender)) = socket.recv_from(&mut buffer) {
            let _ = socket.send_to(&buffer[..size], sender);
        }
    });
    Ok(address)
}

fn udp_drop(session: &mut Session) -> Result<()> {
    let server = udp_echo_server()?;
    session.say(&format!(
        "server | (a test server that sends every datagram back) on {server}"
    ));
    let mut wiretap = start_wiretap(session, "udp", server, &["--drop", "0.5", "--seed", "2"])?;
    let client = UdpSocket::bind("127.0.0.1:0")?;
    client.set_read_timeout(Some(STEP_TIMEOUT))?;
    let mut replies = 0;
    for number in 1..=6 {
        let message = format!("ping {number}");
        session.say(&format!("client | sends \"{message}\""));
        client.send_to(message.as_bytes(), wiretap.address)?;
        let lines = wiretap.wait_for(|line| line.contains("client->server +"))?;
        show_lines(session, &lines);
        if lines.iter().any(|line| line.contains(" dropped: ")) {
            session.say("client | no reply: the datagram was lost on the way there");
            continue;
        }
        replies += 1;
        let lines = wiretap.wait_for(|line| line.contains("server->client +"))?;
        show_lines(session, &lines);
        if lines.iter().any(|line| line.contains(" dropped: ")) {
            session.say("client | no reply: the reply was lost on the way back");
            continue;
        }
        let mut buffer = [0u8; 2048];
        let size = client.recv(&mut buffer)?;
        session.say(&format!("client | receives {}", quoted(&buffer[..size])));
    }
    session.say(&format!("({replies} of 6 pings reached the server)"));
    session.stop("wiretap", &mut wiretap)
}

fn show_lines(session: &mut Session, lines: &[String]) {
    for line in lines {
        session.say(&format!("wiretap | {line}"));
    }
}
