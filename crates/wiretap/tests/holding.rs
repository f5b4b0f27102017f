//! wiretap holds like the course's servers: every phase of a TCP connection has a time limit
//! (the connect to a server that does not answer included), UDP clients are capped and their
//! sockets closed at the idle timeout, and nobody reading the log never holds up the bytes.

use crate::common;

use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::Path;
use std::time::{Duration, Instant};

use common::{WIRETAP, start_wiretap};
use testkit::procs::{STEP_TIMEOUT, serves_with_stdout_unread};

/// A TCP server that is busy for good, as a one-at-a-time server with `listen(1)` is while it
/// serves someone: its listen queue is full, so the kernel drops new connection requests and a
/// connect gets no answer at all. Returns the listener (keep it) and the queued connections.
fn busy_upstream() -> (socket2::Socket, Vec<TcpStream>, SocketAddr) {
    let address: SocketAddr = "127.0.0.1:0".parse().expect("an address");
    let listener =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    listener.bind(&address.into()).expect("bind");
    listener.listen(0).expect("listen"); // a queue of one; nobody ever accepts
    let address = listener
        .local_addr()
        .expect("its address")
        .as_socket()
        .expect("an IP address");
    // Fill the queue until a connect gets no answer: then it is full. (On 127.0.0.1 the kernel
    // answers a connect to a listener with room within the call itself; 300 ms leaves a margin
    // for a loaded machine.)
    let mut queued = Vec::new();
    for _ in 0..8 {
        match TcpStream::connect_timeout(&address, Duration::from_millis(300)) {
            Ok(stream) => queued.push(stream),
            Err(_) => return (listener, queued, address),
        }
    }
    panic!("the listen queue never filled up");
}

/// How many threads process `pid` has now (Linux), from `/proc/<pid>/status`.
fn threads_of(pid: u32) -> Option<usize> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("Threads:"))?;
    line["Threads:".len()..].trim().parse().ok()
}

/// How many file descriptors process `pid` has open now (Linux), from `/proc/<pid>/fd`.
fn descriptors_of(pid: u32) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

/// Polls `measure` (every 20 ms, at most STEP_TIMEOUT) until it gives `wanted`.
fn wait_until(what: &str, wanted: usize, measure: impl Fn() -> Option<usize>) {
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        let Some(now) = measure() else {
            return; // no /proc here: not checked
        };
        if now == wanted {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: {now}, expected {wanted}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn tcp_idle_timeout_bounds_the_connect_to_a_busy_server_too() {
    let (_listener, _queued, upstream) = busy_upstream();
    // --connect-timeout is 5 s by default; nothing moves while wiretap connects, so
    // --idle-timeout 0.2 ends the wait after 200 ms (it used to take the fixed 5 s).
    let mut wiretap = start_wiretap("tcp", upstream, &["--idle-timeout", "0.2"]);
    let idle_threads = threads_of(wiretap.id());
    let clients: Vec<TcpStream> = (0..5)
        .map(|_| TcpStream::connect_timeout(&wiretap.address, STEP_TIMEOUT).expect("connect"))
        .collect();
    for _ in &clients {
        let line = wiretap.next_line().expect("a line per client");
        assert!(
            line.contains(&format!(
                "failed: could not connect to {upstream}: no answer within 200 ms"
            )),
            "{line}"
        );
    }
    if let Some(idle) = idle_threads {
        wait_until("wiretap's threads", idle, || threads_of(wiretap.id()));
    }
}

#[test]
fn tcp_connect_timeout_sets_the_wait_for_a_server_that_does_not_answer() {
    let (_listener, _queued, upstream) = busy_upstream();
    let mut wiretap = start_wiretap("tcp", upstream, &["--connect-timeout", "0.1"]);
    let client = TcpStream::connect_timeout(&wiretap.address, STEP_TIMEOUT).expect("connect");
    let line = wiretap.next_line().expect("a line about the client");
    let peer = client.local_addr().expect("our address");
    assert!(
        line.starts_with("#1 failed: could not connect to ")
            && line.contains(": no answer within 100 ms (")
            && line.ends_with(&format!("; resetting client {peer}")),
        "{line}"
    );
}

#[test]
fn udp_refuses_clients_past_max_clients_and_closes_their_sockets_at_the_idle_timeout() {
    let echo = UdpSocket::bind("127.0.0.1:0").expect("bind an echo server");
    let echo_address = echo.local_addr().expect("its address");
    std::thread::spawn(move || {
        let mut buffer = [0u8; 2048];
        while let Ok((size, sender)) = echo.recv_from(&mut buffer) {
            let _ = echo.send_to(&buffer[..size], sender);
        }
    });
    // The fourth client must come while the three others are still mapped: the round trips
    // take milliseconds, the idle timeout is 500 ms (a margin for a loaded machine).
    let args = ["--max-clients", "3", "--idle-timeout", "0.5"];
    let mut wiretap = start_wiretap("udp", echo_address, &args);
    let pid = wiretap.id();
    let descriptors_before = descriptors_of(pid);
    let clients: Vec<UdpSocket> = (0..4)
        .map(|_| {
            let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a client");
            socket
                .set_read_timeout(Some(STEP_TIMEOUT))
                .expect("a timeout");
            socket
        })
        .collect();
    for (number, client) in clients.iter().enumerate().take(3) {
        client.send_to(b"hi", wiretap.address).expect("send");
        let mut reply = [0u8; 16];
        let size = client.recv(&mut reply).expect("the echo comes back");
        assert_eq!(&reply[..size], b"hi", "client {number}");
    }
    let fourth = &clients[3];
    fourth
        .send_to(b"one too many", wiretap.address)
        .expect("send");
    let refused = wiretap
        .wait_for(|line| line.starts_with("refused: "))
        .expect("a line about the fourth client")
        .pop()
        .unwrap_or_default();
    let fourth_address = fourth.local_addr().expect("its address");
    assert_eq!(
        refused,
        format!(
            "refused: client {fourth_address}: already 3 clients forwarded, the limit \
             (--max-clients); datagram dropped"
        )
    );
    // Each mapping's socket is closed when it expires: wiretap is back to its descriptors.
    for _ in 0..3 {
        wiretap
            .wait_for(|line| line.contains(" closed ") && line.contains("(idle for 500 ms;"))
            .expect("each mapping expires");
    }
    if let Some(before) = descriptors_before {
        wait_until("wiretap's descriptors", before, || descriptors_of(pid));
    }
    // There is room again: the fourth client is forwarded now.
    fourth.send_to(b"now", wiretap.address).expect("send");
    let mut reply = [0u8; 16];
    let size = fourth.recv(&mut reply).expect("the echo comes back");
    assert_eq!(&reply[..size], b"now");
}

#[test]
#[ignore = "stress: seconds of load; `cargo test -- --ignored` runs it, as .ci/run does"]
fn tcp_forwards_300_connections_while_nobody_reads_its_log() {
    // With --chunk 1, a line for each of the 100 bytes each way: 60,000 lines, more than the
    // pipe's 64 KiB and wiretap's 50,000 lines of queue. (It used to stop forwarding at the
    // 179th connection of 4 bytes, its log pipe full.)
    let echo = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an echo server");
    let echo_address = echo.local_addr().expect("its address");
    std::thread::spawn(move || {
        for stream in echo.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut &stream, &mut &stream);
            });
        }
    });
    let to = echo_address.to_string();
    let args = [
        "tcp",
        "--listen",
        "127.0.0.1:0",
        "--to",
        &to,
        "--chunk",
        "1",
    ];
    serves_with_stdout_unread(Path::new(WIRETAP), &args, 300, |address| {
        use std::io::{Read, Write};
        let mut client = TcpStream::connect_timeout(&address, STEP_TIMEOUT)?;
        client.set_read_timeout(Some(STEP_TIMEOUT))?;
        let sent = [b'p'; 100];
        client.write_all(&sent)?;
        let mut echoed = [0u8; 100];
        client.read_exact(&mut echoed)?;
        anyhow::ensure!(echoed == sent, "echoed {echoed:?}");
        Ok(())
    })
    .unwrap_or_else(|error| panic!("{error:#}"));
}
