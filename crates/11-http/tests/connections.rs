//! Connections: several requests on one (keep-alive), several in one write (pipelining), a
//! request a byte at a time, `Connection: close`, HTTP/1.0 with and without keep-alive, a
//! client that leaves or goes quiet between requests, and many clients at once.

use std::thread;
use std::time::Duration;

use crate::common::{Http, access_line, ok_head, site_file, start};

#[test]
fn three_requests_on_one_connection_are_answered_in_order_and_logged_once_each() {
    let mut server = start(&[]);
    let mut client = Http::connect(server.address);
    for (path, file) in [
        ("/", "index.html"),
        ("/style.css", "style.css"),
        ("/picture.png", "picture.png"),
    ] {
        client.get(path);
        assert_eq!(client.response().body, site_file(file), "{path}");
    }
    let me = client.address();
    drop(client);
    server.expect_accepted_from(me).expect("one connection");
    for (path, file) in [
        ("/", "index.html"),
        ("/style.css", "style.css"),
        ("/picture.png", "picture.png"),
    ] {
        let length = site_file(file).len();
        let line = access_line(
            me,
            &format!("GET {path} HTTP/1.1"),
            &format!("200 OK, {length} bytes"),
        );
        server.expect_line(&line).expect("the request's line");
    }
    server
        .expect_closed(me)
        .expect("closed when the client closed");
}

#[test]
fn pipelined_requests_in_one_write_get_their_responses_in_order() {
    let server = start(&[]);
    let mut client = Http::connect(server.address);
    let mut requests = Vec::new();
    let paths = ["/style.css", "/nothing", "/", "/style.css", "/about/"];
    for path in paths {
        requests.extend_from_slice(format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n").as_bytes());
    }
    client.send(&requests);
    for (path, file) in paths.iter().zip([
        "style.css",
        "",
        "index.html",
        "style.css",
        "about/index.html",
    ]) {
        let response = client.response();
        match file {
            "" => assert!(
                response.head.starts_with("HTTP/1.1 404 Not Found\r\n"),
                "{path}"
            ),
            file => assert_eq!(response.body, site_file(file), "{path}"),
        }
    }
}

#[test]
fn a_request_sent_one_byte_at_a_time_is_answered() {
    let server = start(&[]);
    let mut client = Http::connect(server.address);
    for byte in b"GET /style.css HTTP/1.1\r\nHost: test\r\n\r\n" {
        client.send(&[*byte]);
    }
    let style = site_file("style.css");
    assert_eq!(
        client.response().head,
        ok_head("text/css; charset=utf-8", style.len())
    );
}

#[test]
fn connection_close_is_answered_with_close_and_the_server_closes() {
    let mut server = start(&[]);
    let mut client = Http::connect(server.address);
    // A second request after `close` is never answered.
    client.send(b"GET /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let style = site_file("style.css");
    let expected = format!(
        "HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: text/css; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        style.len()
    );
    let response = client.response();
    assert_eq!(response.head, expected);
    assert_eq!(response.body, style);
    client.expect_end();
    client.finish();
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    server.next_line().expect("the request's line");
    server.expect_closed(me).expect("closed");
}

#[test]
fn http_1_0_closes_after_one_answer_unless_it_asks_to_keep_alive() {
    let server = start(&[]);
    let style = site_file("style.css");

    let mut client = Http::connect(server.address);
    client.send(b"GET /style.css HTTP/1.0\r\n\r\n");
    let closing = format!(
        "HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: text/css; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        style.len()
    );
    assert_eq!(client.response().head, closing);
    client.expect_end();

    let mut client = Http::connect(server.address);
    let keep_alive = format!(
        "HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: text/css; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: keep-alive\r\n\r\n",
        style.len()
    );
    for _ in 0..2 {
        client.send(b"GET /style.css HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
        assert_eq!(client.response().head, keep_alive);
    }
}

#[test]
fn a_client_that_goes_quiet_between_requests_is_closed_quietly_after_the_idle_timeout() {
    let mut server = start(&["--idle-timeout", "0.3"]);
    let mut client = Http::connect(server.address);
    client.get("/style.css");
    client.response();
    // Nothing is sent: a keep-alive connection at rest is simply closed, without a 408.
    client.expect_end();
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    server.next_line().expect("the request's line");
    server
        .expect_closed(me)
        .expect("closed, with no problem reported");
}

#[test]
fn a_client_that_resets_between_requests_leaves_the_server_serving() {
    let mut server = start(&[]);
    let mut client = Http::connect(server.address);
    client.get("/style.css");
    client.response();
    let me = client.address();
    socket2::SockRef::from(client.stream())
        .set_linger(Some(Duration::ZERO))
        .expect("SO_LINGER");
    drop(client);
    server.expect_accepted_from(me).expect("accepted");
    server.next_line().expect("the request's line");
    let ended = server.next_line().expect("how it ended");
    assert!(
        ended == format!("closed connection from {me}")
            || ended
                == format!(
                    "client {me}: could not receive a request: connection reset by the peer"
                ),
        "{ended}"
    );
    let mut client = Http::connect(server.address);
    client.get("/style.css");
    assert_eq!(client.response().body, site_file("style.css"));
}

#[test]
fn fifty_clients_at_once_each_get_twenty_right_answers() {
    let server = start(&[]);
    let address = server.address;
    let style = site_file("style.css");
    thread::scope(|scope| {
        for _ in 0..50 {
            scope.spawn(|| {
                let mut client = Http::connect(address);
                for _ in 0..20 {
                    client.get("/style.css");
                    assert_eq!(client.response().body, style);
                }
            });
        }
    });
}
