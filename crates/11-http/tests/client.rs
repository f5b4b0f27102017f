//! http-get: against http-server (the head and body it prints, `-o`, `--head`, `--follow`),
//! and against fake servers of the test's own that misbehave: a body in chunks, a body framed
//! by the close, a reset in the middle, a body cut short, an answer that trickles, one that
//! never comes, one that is not HTTP, a redirect loop. Each error is one line in words, and `-o`
//! never leaves a file (or a temporary one) behind a transfer that failed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use testkit::probe::{ClosedPort, fake_server};
use testkit::procs::STEP_TIMEOUT;

use crate::common::{CLIENT, TempFolder, mask_date, site_file, start};

/// http-get with `args`, and a time limit.
fn http_get(args: &[&str]) -> Command {
    let mut command = Command::new(CLIENT);
    command.args(args).timeout(STEP_TIMEOUT);
    command
}

/// The output of a successful http-get run, with its `Date` line masked.
fn output_of(args: &[&str]) -> String {
    let output = http_get(args).output().expect("http-get runs");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "",
        "stderr of http-get {args:?}"
    );
    assert!(
        output.status.success(),
        "http-get {args:?}: {:?}",
        output.status
    );
    let stdout = String::from_utf8(output.stdout).expect("text output");
    stdout.split_inclusive('\n').map(mask_date).collect()
}

/// Reads a request head from a fake server's connection and returns it.
fn read_request(stream: &TcpStream) -> String {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).expect("a request line") == 0 || line == "\r\n" {
            return head + &line;
        }
        head.push_str(&line);
    }
}

/// A fake server that reads the request and then sends `answer` and closes.
fn answering(answer: &'static [u8]) -> SocketAddr {
    let (address, _) = fake_server(move |mut stream| {
        read_request(&stream);
        let _ = stream.write_all(answer);
    })
    .expect("a fake server");
    address
}

fn url(address: SocketAddr, path: &str) -> String {
    format!("http://{address}{path}")
}

#[test]
fn it_sends_a_get_with_host_and_connection_close() {
    let (address, server) = fake_server(|mut stream| {
        let request = read_request(&stream);
        let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\n\r\n");
        request
    })
    .expect("a fake server");
    output_of(&[&url(address, "/a/b.html?x=1")]);
    let request = server.join().expect("the fake server");
    assert_eq!(
        request,
        format!(
            "GET /a/b.html?x=1 HTTP/1.1\r\nHost: {address}\r\nUser-Agent: http-get (socket course)\r\n\
             Accept: */*\r\nConnection: close\r\n\r\n"
        )
    );
}

#[test]
fn it_prints_the_head_and_the_page_from_http_server() {
    let server = start(&[]);
    let index = String::from_utf8(site_file("index.html")).expect("text");
    let expected = format!(
        "HTTP/1.1 200 OK\nDate: <date>\nContent-Type: text/html; charset=utf-8\nContent-Length: {}\n\
         Connection: close\n\n{index}",
        index.len()
    );
    assert_eq!(output_of(&[&url(server.address, "/")]), expected);
}

#[test]
fn it_does_not_print_a_picture_but_saves_it_whole_with_o() {
    let server = start(&[]);
    let picture = site_file("picture.png");
    let head = format!(
        "HTTP/1.1 200 OK\nDate: <date>\nContent-Type: image/png\nContent-Length: {}\nConnection: close\n\n",
        picture.len()
    );
    let address = url(server.address, "/picture.png");
    let shown = format!(
        "{head}({} bytes of image/png, not text: save them with -o FILE)\n",
        picture.len()
    );
    assert_eq!(output_of(&[&address]), shown);

    let folder = TempFolder::new("client-save");
    let file = folder.path.join("picture.png");
    let file = file.to_str().expect("utf-8");
    let saved = format!("{head}saved {} bytes in {file}\n", picture.len());
    assert_eq!(output_of(&[&address, "-o", file]), saved);
    assert_eq!(std::fs::read(file).expect("the saved file"), picture);
    assert_eq!(folder.names(), ["picture.png"], "no temporary file left");
}

#[test]
fn head_prints_the_head_only() {
    let server = start(&[]);
    let style = site_file("style.css");
    let expected = format!(
        "HTTP/1.1 200 OK\nDate: <date>\nContent-Type: text/css; charset=utf-8\nContent-Length: {}\n\
         Connection: close\n\n",
        style.len()
    );
    assert_eq!(
        output_of(&["--head", &url(server.address, "/style.css")]),
        expected
    );
}

#[test]
fn a_redirect_is_shown_and_followed_only_with_follow() {
    let server = start(&[]);
    let address = url(server.address, "/about");
    http_get(&[&address])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "HTTP/1.1 301 Moved Permanently\n",
        ))
        .stderr("(a redirect to /about/: add --follow to follow it)\n");
    let about = String::from_utf8(site_file("about/index.html")).expect("text");
    http_get(&["--follow", &address])
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("HTTP/1.1 301 Moved Permanently\n")
                .and(predicate::str::ends_with(about)),
        )
        .stderr(format!(
            "(following the redirect to http://{}/about/)\n",
            server.address
        ));
}

#[test]
fn an_error_status_is_printed_and_with_o_nothing_is_saved() {
    let server = start(&[]);
    let address = url(server.address, "/missing.png");
    let folder = TempFolder::new("client-404");
    let file = folder.path.join("missing.png");
    let file = file.to_str().expect("utf-8");
    http_get(&[&address, "-o", file])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("HTTP/1.1 404 Not Found\n"))
        .stderr(format!(
            "error: the server answered 404 Not Found: nothing saved in {file}\n"
        ));
    assert!(folder.names().is_empty(), "{:?}", folder.names());
}

#[test]
fn a_chunked_body_is_put_back_together_and_trailers_are_read_past() {
    let address = answering(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n7;note=x\r\n, world\r\n1\r\n\n\r\n0\r\nTrailer: x\r\n\r\n",
    );
    assert_eq!(
        output_of(&[&url(address, "/")]),
        "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\nHello, world\n"
    );
}

#[test]
fn a_body_without_a_length_ends_when_the_server_closes() {
    let address = answering(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end\n");
    assert_eq!(
        output_of(&[&url(address, "/")]),
        "HTTP/1.0 200 OK\nContent-Type: text/plain\n\nuntil the end\n"
    );
}

#[test]
fn an_interim_100_continue_is_skipped() {
    let address =
        answering(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n");
    assert_eq!(
        output_of(&[&url(address, "/")]),
        "HTTP/1.1 200 OK\nContent-Length: 3\n\nok\n"
    );
}

#[test]
fn a_body_cut_short_is_an_error_and_leaves_no_file() {
    let address = answering(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten!\n");
    let folder = TempFolder::new("client-short");
    let file = folder.path.join("out.txt");
    let file = file.to_str().expect("utf-8");
    http_get(&[&url(address, "/"), "-o", file])
        .assert()
        .code(1)
        .stderr(format!(
            "error: nothing saved in {file}: the connection closed after 10 of the 100 bytes the \
             Content-Length announced\n"
        ));
    assert!(folder.names().is_empty(), "{:?}", folder.names());
}

#[test]
fn a_reset_in_the_middle_of_the_body_is_an_error_and_leaves_no_file() {
    let (address, _) = fake_server(|mut stream| {
        read_request(&stream);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nsome bytes");
        thread::sleep(Duration::from_millis(100));
        let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    })
    .expect("a fake server");
    let folder = TempFolder::new("client-reset");
    let file = folder.path.join("out.bin");
    let file = file.to_str().expect("utf-8");
    http_get(&[&url(address, "/"), "-o", file])
        .assert()
        .code(1)
        .stderr(format!(
            "error: nothing saved in {file}: could not receive the body: connection reset by the peer\n"
        ));
    assert!(folder.names().is_empty(), "{:?}", folder.names());
}

#[test]
fn an_answer_that_trickles_runs_into_the_deadline() {
    let (address, _) = fake_server(|mut stream| {
        read_request(&stream);
        for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
            .iter()
            .chain(&[b'x'; 1000])
        {
            if stream.write_all(&[*byte]).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
    })
    .expect("a fake server");
    // The head alone takes 38 x 20 ms: the deadline comes well before its end.
    http_get(&[&url(address, "/"), "--deadline", "0.2"])
        .assert()
        .code(1)
        .stderr(
            "error: could not receive the answer's head: the whole exchange took longer than \
             200 ms (--deadline)\n",
        );
}

#[test]
fn a_server_that_never_answers_runs_into_the_timeout() {
    let (address, _) = fake_server(|stream| {
        read_request(&stream);
        let _ = (&stream).read(&mut [0; 1]);
    })
    .expect("a fake server");
    http_get(&[&url(address, "/"), "--timeout", "0.3"])
        .assert()
        .code(1)
        .stderr(
            "error: could not receive the answer's head: nothing arrived for 300 ms (--timeout)\n",
        );
}

#[test]
fn an_answer_that_is_not_http_is_said_to_be_so() {
    for (answer, error) in [
        (
            &b"SSH-2.0-OpenSSH_9.2\r\n\r\n"[..],
            "error: the answer is not HTTP: its first line is \"SSH-2.0-OpenSSH_9.2\" (is it a web server?)\n",
        ),
        (
            &b"HTTP/1.1 OK\r\n\r\n"[..],
            "error: the answer is not HTTP: its first line is \"HTTP/1.1 OK\" (is it a web server?)\n",
        ),
        (
            &b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n"[..],
            "error: the answer's head is not HTTP: a header line without a colon\n",
        ),
        (
            &b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"[..],
            "error: the answer's Content-Length is not one number of bytes: \"5\"\n",
        ),
        (
            &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"[..],
            "error: a chunk's size is not hexadecimal: \"zz\"\n",
        ),
        (
            &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello"[..],
            "error: could not read the end of a chunk: the connection closed before the last chunk (a chunk of size 0)\n",
        ),
        (
            &b""[..],
            "error: the server closed the connection without answering (is it a web server?)\n",
        ),
    ] {
        let address = answering(answer);
        http_get(&[&url(address, "/")])
            .assert()
            .code(1)
            .stderr(error);
    }
}

#[test]
fn a_server_that_greets_and_waits_is_not_http_at_once() {
    // An SSH server sends its banner and waits for ours: the head would never end, and only
    // --timeout would stop the wait, with a message about time instead of the wrong server.
    for (greeting, error) in [
        (
            &b"SSH-2.0-OpenSSH_9.2\r\n"[..],
            "error: the answer is not HTTP: its first line is \"SSH-2.0-OpenSSH_9.2\" (is it a web server?)\n",
        ),
        (
            &b"220 mail"[..],
            "error: the answer is not HTTP: it begins with \"220 mail\" (is it a web server?)\n",
        ),
    ] {
        let (address, _) = fake_server(move |mut stream| {
            let _ = stream.write_all(greeting);
            std::thread::sleep(std::time::Duration::from_secs(3));
        })
        .expect("a fake server");
        http_get(&[&url(address, "/"), "--timeout", "2"])
            .assert()
            .code(1)
            .stderr(error);
    }
}

#[test]
fn endless_bytes_without_a_line_end_are_not_http() {
    let (address, _) = fake_server(|mut stream| {
        read_request(&stream);
        // It begins as HTTP does, so only the missing line end gives it away.
        let _ = stream.write_all(b"HTTP/1.1 200 ");
        let _ = stream.write_all(&vec![b'a'; 100_000]);
    })
    .expect("a fake server");
    http_get(&[&url(address, "/")])
        .assert()
        .code(1)
        .stderr("error: the answer is not HTTP: no line ends in its first 65536 bytes (is it a web server?)\n");
}

#[test]
fn a_body_over_max_bytes_is_refused() {
    let address = answering(b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world");
    http_get(&[&url(address, "/"), "--max-bytes", "10"])
        .assert()
        .code(1)
        .stderr("error: the body would be 11 bytes, more than --max-bytes 10\n");
    let address = answering(b"HTTP/1.1 200 OK\r\n\r\nhello world, until the end");
    http_get(&[&url(address, "/"), "--max-bytes", "10"])
        .assert()
        .code(1)
        .stderr("error: the body is longer than --max-bytes 10\n");
}

#[test]
fn a_redirect_loop_stops_after_five_hops() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    thread::spawn(move || {
        for stream in listener.incoming().take(6).flatten() {
            read_request(&stream);
            let _ = (&stream)
                .write_all(b"HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n");
        }
    });
    http_get(&["--follow", &url(address, "/")])
        .assert()
        .code(1)
        .stderr(predicate::str::ends_with(
            "error: redirected more than 5 times: the redirects may go round in a loop\n",
        ));
}

#[test]
fn no_server_and_bad_addresses_are_explained() {
    let closed = ClosedPort::new().expect("a closed port");
    let port = closed.port();
    http_get(&[&format!("http://127.0.0.1:{port}/")])
        .assert()
        .code(1)
        .stderr(format!(
            "error: could not connect to 127.0.0.1:{port}: connection refused (is a web server running?)\n"
        ));
    for (address, error) in [
        (
            "https://example.com/",
            "error: https://example.com/: https:// needs TLS, which this course does not cover (use http://)\n",
        ),
        (
            "example.com",
            "error: example.com is not an http:// address (try http://127.0.0.1:8000/)\n",
        ),
        (
            "http://127.0.0.1:99999/",
            "error: http://127.0.0.1:99999/ has no valid host[:port]\n",
        ),
        (
            "http://127.0.0.1/a b",
            "error: http://127.0.0.1/a b: a path may hold visible ASCII only (write a space as %20)\n",
        ),
    ] {
        http_get(&[address]).assert().code(1).stderr(error);
    }
}
