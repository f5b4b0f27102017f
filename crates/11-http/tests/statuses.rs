//! Every status http-server sends, byte for byte (the `Date` aside, checked and masked), with
//! the server's line about it: 200 for each kind of file, HEAD, 301, 404, 405, 400 in each of
//! its forms, 501 and 505. The limits (408, 413, 414, 431, 503) are in `limits`.

use crate::common::{Http, TempFolder, access_line, ok_head, refusal, site_file, start, start_in};

#[test]
fn get_of_the_root_answers_200_with_index_html_exactly_and_logs_the_request() {
    let mut server = start(&[]);
    let mut client = Http::connect(server.address);
    client.get("/");
    let index = site_file("index.html");
    let response = client.response();
    assert_eq!(
        response.head,
        ok_head("text/html; charset=utf-8", index.len())
    );
    assert_eq!(response.body, index);
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    let line = access_line(
        me,
        "GET / HTTP/1.1",
        &format!("200 OK, {} bytes", index.len()),
    );
    server.expect_line(&line).expect("the request's line");
    drop(client);
    server.expect_closed(me).expect("closed");
}

#[test]
fn each_file_is_sent_whole_with_the_content_type_of_its_extension() {
    let server = start(&[]);
    let mut client = Http::connect(server.address);
    for (path, file, content_type) in [
        ("/index.html", "index.html", "text/html; charset=utf-8"),
        ("/style.css", "style.css", "text/css; charset=utf-8"),
        ("/picture.png", "picture.png", "image/png"),
        ("/about/", "about/index.html", "text/html; charset=utf-8"),
    ] {
        client.get(path);
        let bytes = site_file(file);
        let response = client.response();
        assert_eq!(response.head, ok_head(content_type, bytes.len()), "{path}");
        assert_eq!(response.body, bytes, "{path}");
    }
}

#[test]
fn unknown_extensions_are_application_octet_stream_and_names_are_percent_decoded() {
    let folder = TempFolder::new("types");
    folder.write("notes.xyz", b"12345");
    folder.write("a file.txt", b"spaces\n");
    folder.write("caf\u{e9}.txt", b"utf-8 name\n");
    let server = start_in(&folder.path, &[]);
    let mut client = Http::connect(server.address);
    client.get("/notes.xyz");
    assert_eq!(
        client.response().whole(),
        ok_head("application/octet-stream", 5) + "12345"
    );
    client.get("/a%20file.txt");
    assert_eq!(
        client.response().whole(),
        ok_head("text/plain; charset=utf-8", 7) + "spaces\n"
    );
    client.get("/caf%C3%A9.txt");
    assert_eq!(
        client.response().whole(),
        ok_head("text/plain; charset=utf-8", 11) + "utf-8 name\n"
    );
}

#[test]
fn head_sends_the_same_head_as_get_and_no_body() {
    let mut server = start(&[]);
    let mut client = Http::connect(server.address);
    // Pipelined: if HEAD's answer had a body, the second response would not start where it
    // must.
    client.send(b"HEAD /picture.png HTTP/1.1\r\nHost: test\r\n\r\nGET /style.css HTTP/1.1\r\nHost: test\r\n\r\n");
    let picture = site_file("picture.png");
    assert_eq!(client.head(), ok_head("image/png", picture.len()));
    let style = site_file("style.css");
    let response = client.response();
    assert_eq!(
        response.head,
        ok_head("text/css; charset=utf-8", style.len())
    );
    assert_eq!(response.body, style);
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    let line = access_line(
        me,
        "HEAD /picture.png HTTP/1.1",
        "200 OK, 0 bytes (HEAD: the head only)",
    );
    server.expect_line(&line).expect("the HEAD line");
}

#[test]
fn a_folder_without_its_slash_is_redirected_with_301_and_location() {
    let mut server = start(&[]);
    let mut client = Http::connect(server.address);
    client.get("/about?x=1");
    let body = "301 Moved Permanently: a folder's address ends with a slash\n";
    let expected = format!(
        "HTTP/1.1 301 Moved Permanently\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Location: /about/\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    assert_eq!(client.response().whole(), expected);
    // The connection stays open.
    client.get("/about/");
    assert_eq!(client.response().body, site_file("about/index.html"));
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    let line = access_line(
        me,
        "GET /about?x=1 HTTP/1.1",
        "301 Moved Permanently, 60 bytes (to /about/)",
    );
    server.expect_line(&line).expect("the redirect's line");
}

#[test]
fn a_redirect_never_points_to_another_host() {
    let folder = TempFolder::new("redirect-host");
    folder.write("evil.example/index.html", b"x");
    let server = start_in(&folder.path, &[]);
    let mut client = Http::connect(server.address);
    client.get("//evil.example");
    let head = client.response().head;
    assert!(head.contains("\r\nLocation: /evil.example/\r\n"), "{head}");
}

#[test]
fn a_missing_file_is_404_and_the_connection_stays_open() {
    let mut server = start(&[]);
    let mut client = Http::connect(server.address);
    client.get("/nothing-here.html");
    let body = "404 Not Found: nothing is served at this path\n";
    let expected = format!(
        "HTTP/1.1 404 Not Found\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    assert_eq!(client.response().whole(), expected);
    client.get("/style.css");
    assert_eq!(client.response().body, site_file("style.css"));
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    let line = access_line(
        me,
        "GET /nothing-here.html HTTP/1.1",
        "404 Not Found, 46 bytes (no such file)",
    );
    server.expect_line(&line).expect("the 404's line");
}

#[test]
fn a_folder_without_index_html_and_a_named_pipe_are_404() {
    let folder = TempFolder::new("no-index");
    folder.write("empty/.keep", b"");
    let pipe = folder.path.join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    let server = start_in(&folder.path, &[]);
    let mut client = Http::connect(server.address);
    client.get("/empty/");
    assert!(
        client
            .response()
            .head
            .starts_with("HTTP/1.1 404 Not Found\r\n")
    );
    if made.is_ok_and(|status| status.success()) {
        // Opening a pipe would wait for a writer for ever: it is never opened.
        client.get("/pipe");
        assert!(
            client
                .response()
                .head
                .starts_with("HTTP/1.1 404 Not Found\r\n")
        );
    }
}

#[test]
fn other_methods_are_405_with_allow_and_their_body_is_read_past() {
    let mut server = start(&[]);
    let mut client = Http::connect(server.address);
    let body = "405 Method Not Allowed: this server answers GET and HEAD only\n";
    let expected = format!(
        "HTTP/1.1 405 Method Not Allowed\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Allow: GET, HEAD\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    client.send(b"POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\nhello=world");
    assert_eq!(client.response().whole(), expected);
    // Methods are case-sensitive: `get` is not GET.
    for method in ["DELETE", "PUT", "OPTIONS", "get"] {
        client.send(format!("{method} / HTTP/1.1\r\nHost: test\r\n\r\n").as_bytes());
        assert_eq!(client.response().whole(), expected, "{method}");
    }
    client.get("/style.css");
    assert_eq!(client.response().body, site_file("style.css"));
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    let line = access_line(
        me,
        "POST / HTTP/1.1",
        &format!("405 Method Not Allowed, {} bytes", body.len()),
    );
    server.expect_line(&line).expect("the 405's line");
}

/// Each bad request: what is sent, the status, and the sentence the server answers with.
const BAD_REQUESTS: &[(&str, &str, &str)] = &[
    (
        "GET /\r\n\r\n",
        "400 Bad Request",
        "the request line must be METHOD TARGET HTTP/1.1, one space apart",
    ),
    (
        "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
        "400 Bad Request",
        "the request line must be METHOD TARGET HTTP/1.1, one space apart",
    ),
    (
        "GET / HTTP/1.1 \r\nHost: x\r\n\r\n",
        "400 Bad Request",
        "the request line must be METHOD TARGET HTTP/1.1, one space apart",
    ),
    (
        "G(T / HTTP/1.1\r\nHost: x\r\n\r\n",
        "400 Bad Request",
        "the method is not a token (letters, digits and !#$%&'*+-.^_`|~)",
    ),
    (
        "GET / HTTP/1.1\r\n\r\n",
        "400 Bad Request",
        "an HTTP/1.1 request needs exactly one Host header",
    ),
    (
        "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n",
        "400 Bad Request",
        "an HTTP/1.1 request needs exactly one Host header",
    ),
    (
        "GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
        "400 Bad Request",
        "a header line without a colon",
    ),
    (
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        "400 Bad Request",
        "a header name that is not a token (letters, digits and !#$%&'*+-.^_`|~)",
    ),
    (
        "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
        "400 Bad Request",
        "a header line that starts with a space (obsolete line folding)",
    ),
    (
        "GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n",
        "400 Bad Request",
        "a header value with a control character in it",
    ),
    (
        "GET / HTTP/1.1x\r\nHost: x\r\n\r\n",
        "400 Bad Request",
        "the version must be HTTP/1.1 or HTTP/1.0",
    ),
    (
        "GET / http/1.1\r\nHost: x\r\n\r\n",
        "400 Bad Request",
        "the version must be HTTP/1.1 or HTTP/1.0",
    ),
    (
        "GET index.html HTTP/1.1\r\nHost: x\r\n\r\n",
        "400 Bad Request",
        "the target must be a path starting with /",
    ),
    (
        "GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n",
        "400 Bad Request",
        "a target has no #fragment (the browser keeps it)",
    ),
    (
        "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        "400 Bad Request",
        "a % in the path is not followed by two hex digits",
    ),
    (
        "GET /%ff HTTP/1.1\r\nHost: x\r\n\r\n",
        "400 Bad Request",
        "the decoded path is not UTF-8",
    ),
    (
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "400 Bad Request",
        "Content-Length is not a number of bytes",
    ),
    (
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 1\r\n\r\n",
        "400 Bad Request",
        "Content-Length is not a number of bytes",
    ),
    (
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        "400 Bad Request",
        "Content-Length is not a number of bytes",
    ),
    (
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
        "400 Bad Request",
        "more than one Content-Length",
    ),
    (
        "\u{ff}\u{fe}\r\n\r\n",
        "400 Bad Request",
        "the request line is not ASCII text",
    ),
    (
        "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
        "505 HTTP Version Not Supported",
        "this server speaks HTTP/1.0 and HTTP/1.1 only",
    ),
    (
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "501 Not Implemented",
        "this server reads no request body sent with Transfer-Encoding",
    ),
];

#[test]
fn every_bad_request_gets_its_status_and_why_then_the_connection_closes() {
    let mut server = start(&[]);
    for (request, status, why) in BAD_REQUESTS {
        let mut client = Http::connect(server.address);
        client.send(request.as_bytes());
        assert_eq!(
            client.response().whole(),
            refusal(status, why),
            "{request:?}"
        );
        client.expect_end();
        let me = client.address();
        // The server reads what we might still send until we close too (or for half a
        // second), and only then prints its line.
        drop(client);
        server.expect_accepted_from(me).expect("accepted");
        server
            .expect_client_problem(me, &format!("{why}: answered {status}"))
            .expect("the refusal's line");
    }
    // And it goes on serving.
    let mut client = Http::connect(server.address);
    client.get("/style.css");
    assert_eq!(client.response().body, site_file("style.css"));
}

#[test]
fn a_request_line_that_is_not_text_is_400() {
    let mut server = start(&[]);
    let mut client = Http::connect(server.address);
    client.send(b"GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n");
    let why = "the request line is not ASCII text";
    assert_eq!(client.response().whole(), refusal("400 Bad Request", why));
    client.finish();
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    server
        .expect_client_problem(me, &format!("{why}: answered 400 Bad Request"))
        .expect("line");
}

#[test]
fn a_client_that_begins_tls_is_told_that_this_is_http() {
    let mut server = start(&[]);
    let mut client = Http::connect(server.address);
    // The start of a TLS ClientHello: a record of type 0x16, handshake.
    client.send(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
    let why = "the client began TLS, as for https://: this server speaks http:// only";
    assert_eq!(client.response().whole(), refusal("400 Bad Request", why));
    let me = client.address();
    drop(client);
    server.expect_accepted_from(me).expect("accepted");
    server
        .expect_client_problem(me, &format!("{why}: answered 400 Bad Request"))
        .expect("line");
}

#[test]
fn what_rfc_9112_lets_a_server_accept_is_accepted() {
    let server = start(&[]);
    let style = site_file("style.css");
    let css = ok_head("text/css; charset=utf-8", style.len());
    for request in [
        // Lines ended by a bare \n, as nc sends them.
        "GET /style.css HTTP/1.1\nHost: x\n\n",
        // Empty lines before the request line.
        "\r\n\r\nGET /style.css HTTP/1.1\r\nHost: x\r\n\r\n",
        // The absolute form, as sent to a proxy.
        "GET http://example.com/style.css HTTP/1.1\r\nHost: example.com\r\n\r\n",
        // A query, ignored; `.` and empty names; a later HTTP/1.x.
        "GET /./style.css?v=2 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET //style.css HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /style.css HTTP/1.9\r\nHost: x\r\n\r\n",
        // Header names in any case, values with spaces and tabs around them.
        "GET /style.css HTTP/1.1\r\nhOsT:\t x \t\r\nX-Empty:\r\n\r\n",
        // A body with GET is read past.
        "GET /style.css HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
    ] {
        let mut client = Http::connect(server.address);
        client.send(request.as_bytes());
        let response = client.response();
        assert_eq!(response.head, css, "{request:?}");
        assert_eq!(response.body, style, "{request:?}");
    }
}
