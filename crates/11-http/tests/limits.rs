//! The limits: a request line over 8 KiB (414), a head over 8 KiB or over 100 header lines
//! (431), a body over 64 KiB (413), a head that arrives too slowly (408) or not at all, and one
//! client too many (503). After each, the server goes on serving.

use std::thread;
use std::time::Duration;

use crate::common::{Http, refusal, site_file, start};

#[test]
fn a_request_line_over_8_kib_is_414_even_without_a_line_end() {
    let mut server = start(&[]);
    let mut client = Http::connect(server.address);
    let long = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(9000));
    client.send(long.as_bytes());
    let why = "the request line is longer than 8 KiB";
    assert_eq!(client.response().whole(), refusal("414 URI Too Long", why));
    client.expect_end();
    client.finish();
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    server
        .expect_client_problem(me, &format!("{why}: answered 414 URI Too Long"))
        .expect("line");

    // Endless bytes and never a line end: the server stops reading at the limit.
    let mut client = Http::connect(server.address);
    client.send(&vec![b'x'; 100_000]);
    assert_eq!(client.response().whole(), refusal("414 URI Too Long", why));
}

#[test]
fn a_head_over_8_kib_or_over_100_header_lines_is_431() {
    let server = start(&[]);
    let why = "the request head is longer than 8 KiB or has over 100 header lines";
    let expected = refusal("431 Request Header Fields Too Large", why);

    let mut client = Http::connect(server.address);
    let big = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nCookie: {}\r\n\r\n",
        "c".repeat(8200)
    );
    client.send(big.as_bytes());
    assert_eq!(client.response().whole(), expected);

    let mut client = Http::connect(server.address);
    let mut many = String::from("GET / HTTP/1.1\r\nHost: x\r\n");
    for number in 0..100 {
        many.push_str(&format!("X-{number}: y\r\n"));
    }
    client.send(format!("{many}\r\n").as_bytes());
    assert_eq!(client.response().whole(), expected);

    // Exactly at the limits: 100 header lines, a head of 8192 bytes.
    let mut client = Http::connect(server.address);
    let mut hundred = String::from("GET / HTTP/1.1\r\nHost: x\r\n");
    for number in 0..99 {
        hundred.push_str(&format!("X-{number}: y\r\n"));
    }
    client.send(format!("{hundred}\r\n").as_bytes());
    assert!(client.response().head.starts_with("HTTP/1.1 200 OK\r\n"));
    let mut client = Http::connect(server.address);
    let start = "GET / HTTP/1.1\r\nHost: x\r\nX: ";
    let filler = "f".repeat(8192 - start.len() - 4);
    client.send(format!("{start}{filler}\r\n\r\n").as_bytes());
    assert!(client.response().head.starts_with("HTTP/1.1 200 OK\r\n"));
}

#[test]
fn a_body_over_64_kib_is_413_before_any_of_it_is_read() {
    let mut server = start(&[]);
    let mut client = Http::connect(server.address);
    client.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 65537\r\n\r\n");
    let why = "the request body is longer than this server takes (64 KiB)";
    assert_eq!(
        client.response().whole(),
        refusal("413 Content Too Large", why)
    );
    client.finish();
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    server
        .expect_client_problem(me, &format!("{why}: answered 413 Content Too Large"))
        .expect("line");
}

#[test]
fn a_client_that_sends_nothing_is_closed_after_the_idle_timeout_without_an_answer() {
    let mut server = start(&["--idle-timeout", "0.3"]);
    let mut client = Http::connect(server.address);
    client.expect_end();
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    server
        .expect_client_problem(me, "sent no request for 300 ms (--idle-timeout)")
        .expect("line");
}

#[test]
fn a_head_that_stops_halfway_gets_408_after_the_idle_timeout() {
    let mut server = start(&["--idle-timeout", "0.2"]);
    let mut client = Http::connect(server.address);
    client.send(b"GET / HTTP/1.1\r\nHost: x\r\n");
    let why = "the request did not arrive whole in time";
    assert_eq!(
        client.response().whole(),
        refusal("408 Request Timeout", why)
    );
    client.expect_end();
    client.finish();
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    server
        .expect_client_problem(
            me,
            "sent 25 bytes of a request head, not all of it, in 200 ms (--idle-timeout): \
             answered 408 Request Timeout",
        )
        .expect("line");
}

#[test]
fn a_slowloris_head_a_byte_at_a_time_cannot_outlast_the_idle_timeout() {
    let mut server = start(&["--idle-timeout", "0.2"]);
    let mut client = Http::connect(server.address);
    let writer = client.stream().try_clone().expect("a second handle");
    // A byte every 20 ms: each read waits far less than the timeout, but the head as a whole
    // never arrives in time.
    let trickle = thread::spawn(move || {
        let mut writer = writer;
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "
            .iter()
            .chain(&[b'z'; 200])
        {
            if std::io::Write::write_all(&mut writer, &[*byte]).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
    });
    let why = "the request did not arrive whole in time";
    assert_eq!(
        client.response().whole(),
        refusal("408 Request Timeout", why)
    );
    // The trickle stops here (its next write fails), and the server sees the end.
    client.finish();
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    let line = server.next_line().expect("the 408's line");
    let prefix = format!("client {me}: sent ");
    let suffix = " bytes of a request head, not all of it, in 200 ms (--idle-timeout): answered 408 Request Timeout";
    assert!(
        line.starts_with(&prefix) && line.ends_with(suffix),
        "{line}"
    );
    drop(client);
    let _ = trickle.join();
}

#[test]
fn a_client_past_max_clients_gets_503_and_the_next_one_after_a_leave_is_served() {
    let mut server = start(&["--max-clients", "1"]);
    let mut first = Http::connect(server.address);
    first.get("/style.css");
    first.response();
    let mut second = Http::connect(server.address);
    let why = "too many clients are connected; try again in a moment";
    let body = format!("503 Service Unavailable: {why}\n");
    let expected = format!(
        "HTTP/1.1 503 Service Unavailable\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    assert_eq!(second.response().whole(), expected);
    second.expect_end();
    let (me, other) = (first.address(), second.address());
    server.expect_accepted_from(me).expect("accepted");
    // The first client's request line is printed after its answer was sent: it may come
    // before or after the line about the second.
    let mut lines = [
        server.next_line().expect("a line"),
        server.next_line().expect("a line"),
    ];
    lines.sort();
    let refused = format!(
        "client {other}: 1 client connected already (--max-clients): answered 503 Service Unavailable"
    );
    let served = format!("{me} \"GET /style.css HTTP/1.1\" 200 OK, 266 bytes");
    let mut expected = [refused, served];
    expected.sort();
    assert_eq!(lines, expected);
    drop(first);
    server.expect_closed(me).expect("the first one leaves");
    let mut third = Http::connect(server.address);
    third.get("/style.css");
    assert_eq!(third.response().body, site_file("style.css"));
}
