//! Exercise `http-file-server` (lesson 11): a web server of your own, which a browser, curl
//! and Python can use.
//!
//! The task: serve the files of a folder over HTTP/1.1, GET and HEAD, several requests on one
//! connection. Every answer is exact, so that the checker can compare it byte for byte:
//!
//! ```text
//! HTTP/1.1 200 OK\r\n                          the status line: 200 OK, 400 Bad Request,
//! Content-Type: text/html; charset=utf-8\r\n     404 Not Found or 405 Method Not Allowed
//! Content-Length: 539\r\n                      the body's length in BYTES
//! \r\n                                         the empty line, then the body
//! ```
//!
//! These header lines and no other, in this order: `Content-Type`, `Content-Length`, then
//! `Allow: GET, HEAD` in a 405 only, then `Connection: close` in an answer after which the
//! server closes the connection. The rules:
//!
//! 1. A request is a head: lines that end with `\r\n` (a bare `\n` too), up to an empty line.
//!    Empty lines before the request line are skipped. A head longer than 8192 bytes (line
//!    ends included) gets 400 at once, without reading past the limit.
//! 2. The request line is `METHOD TARGET VERSION`, one space apart; TARGET starts with `/`;
//!    VERSION is `HTTP/1.1` or `HTTP/1.0`. Each header line holds a `:`. Anything else, and a
//!    head that is not UTF-8, gets 400.
//! 3. GET of a file under `--root` gets 200, the file's bytes as the body, and its type by
//!    extension: `.html` is `text/html; charset=utf-8`, `.css` `text/css; charset=utf-8`,
//!    `.txt` `text/plain; charset=utf-8`, `.png` `image/png`, anything else
//!    `application/octet-stream`. A target that ends with `/` names that folder's
//!    `index.html`. The query, from `?` on, is ignored.
//! 4. HEAD gets exactly the head GET would get (its `Content-Length` too), and no body.
//! 5. Nothing to serve (no such file, a folder named without its `/`, a file outside the
//!    folder) gets 404; any method but GET and HEAD gets 405. Their body, and 400's, is the
//!    status and `\n` (`404 Not Found\n`), as `text/plain; charset=utf-8`.
//! 6. The connection stays open for the next request (HTTP/1.1's keep-alive), until the
//!    client closes it. Requests may come one byte at a time, or several in one write; each
//!    gets its answer, in order. After an answer the server closes the connection, with
//!    `Connection: close` in that answer, when: the request said `Connection: close` (any
//!    case), it was HTTP/1.0, or the answer is 400.
//! 7. Never a byte from outside `--root`: `%XX` in the path is decoded first (`%2e` is `.`,
//!    `%20` a space); a name that is `..` once decoded, or that holds a `/` (`%2f`), gets 400;
//!    a file that is really outside the folder (through a symbolic link) gets 404.
//!
//! An example, on one connection:
//!
//! ```text
//! client sends:   GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n
//! server sends:   HTTP/1.1 200 OK\r\nContent-Type: text/css; charset=utf-8\r\n
//!                 Content-Length: 266\r\n\r\n/* The stylesheet ... (266 bytes)
//! client sends:   GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
//! server sends:   HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n
//!                 Content-Length: 14\r\nConnection: close\r\n\r\n404 Not Found\n
//!                 then closes the connection
//! ```
//!
//! Everything around your part is done: `exercises::serve_site` reads the options (`--port`,
//! default 8081; `--host`; `--root`, default the lesson's site; `--idle-timeout`), listens,
//! prints `listening on <ip>:<port>`, and serves each client on a thread of its own, calling
//! `serve_connection` with the connection and the real path of `--root`. `serve_connection`
//! and `answer` are written: your part is reading a head, parsing it, decoding the path,
//! finding the file, its type, and sending the answer.
//!
//! - Run it:    `cargo run -p exercises --bin http-file-server`, then open
//!   <http://127.0.0.1:8081/> in a browser, or `curl -v http://127.0.0.1:8081/`, or
//!   `cargo run --bin http-get -- http://127.0.0.1:8081/` (lesson 11's client).
//! - Check it:  `cargo exercise check http-file-server`
//! - Stuck?     `cargo exercise hint http-file-server`; the lesson: `lessons/11-http.md`,
//!   section "Exercise: http-file-server".

// Until you write the `todo!()`s below, some imports and variables are unused: this line keeps
// the compiler from warning about them. You may delete it once your server passes.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use netlesson::Traced;

/// The port http-file-server listens on unless `--port` says otherwise.
const PORT: u16 = 8081;

/// The largest request head, request line and header lines with their line ends.
const MAX_HEAD: usize = 8192;

fn main() -> ExitCode {
    exercises::serve_site(PORT, serve_connection)
}

/// What arrived where a request head was expected.
enum Incoming {
    /// The head's lines, without their line ends: the request line first.
    Head(Vec<String>),
    /// The client closed the connection before sending a byte of another request.
    Closed,
    /// Not a head the server will read: why.
    Bad(&'static str),
}

/// A request the server understood.
struct Request {
    method: String,
    target: String,
    /// Whether the connection is to close after the answer.
    close: bool,
}

/// An answer, before it is sent.
struct Response {
    /// `200 OK`, `404 Not Found`, ...
    status: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Response {
    /// An answer the server writes itself: its status, as text.
    fn error(status: &'static str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{status}\n").into_bytes(),
        }
    }
}

/// Answers the requests of one connection, in order, until it is to close.
fn serve_connection(client: &Traced<TcpStream>, root: &Path) -> Result<()> {
    // One reader for the whole connection: it may hold the start of the next request already.
    let mut incoming = BufReader::new(client);
    let mut outgoing = client;
    loop {
        let lines = match read_head(&mut incoming)? {
            Incoming::Head(lines) => lines,
            Incoming::Closed => return Ok(()),
            Incoming::Bad(why) => {
                send(
                    &mut outgoing,
                    &Response::error("400 Bad Request"),
                    false,
                    true,
                )?;
                bail!("{why}: answered 400 Bad Request");
            }
        };
        let request = match parse_request(&lines) {
            Ok(request) => request,
            Err(why) => {
                send(
                    &mut outgoing,
                    &Response::error("400 Bad Request"),
                    false,
                    true,
                )?;
                bail!("{why}: answered 400 Bad Request");
            }
        };
        let response = answer(&request, root);
        // After a 400, nobody knows where the next request would start: close.
        let close = request.close || response.status.starts_with("400");
        send(&mut outgoing, &response, request.method == "HEAD", close)?;
        if close {
            return Ok(());
        }
    }
}

/// Reads lines up to the empty line that ends a head, at most MAX_HEAD bytes in all.
fn read_head(incoming: &mut BufReader<&Traced<TcpStream>>) -> Result<Incoming> {
    // TODO (lesson 11, "Reading a head"; lesson 5's lines): read a line at a time with
    // `read_until(b'\n', ...)` through `incoming.by_ref().take(...)`, so that no line can make
    // you store more than the head may still take (`by_ref` lends the reader to `take`).
    // Count the bytes: past MAX_HEAD, `Incoming::Bad`. 0 bytes before anything:
    // `Incoming::Closed`. Drop the `\n` and a `\r` before it; skip empty lines before the
    // request line; the next empty line ends the head. A line that is not UTF-8:
    // `Incoming::Bad`.
    todo!("read the lines of a head, up to the empty line")
}

/// The request line, `METHOD TARGET VERSION`, and the header lines, each `Name: value`.
fn parse_request(lines: &[String]) -> Result<Request, &'static str> {
    // TODO (lesson 11, "Reading a head"): split the request line at its spaces: exactly three
    // parts, TARGET starting with `/`, VERSION `HTTP/1.1` or `HTTP/1.0` (which closes). Each
    // header line must hold a `:`; `Connection: close` (any case) closes too.
    todo!("take the request line and the header lines apart")
}

/// The answer to a request.
fn answer(request: &Request, root: &Path) -> Response {
    if request.method != "GET" && request.method != "HEAD" {
        return Response::error("405 Method Not Allowed");
    }
    // The path is the target up to its query (`?...`), which a file server ignores.
    let path = request.target.split('?').next().unwrap_or_default();
    let Ok(names) = decode_path(path) else {
        return Response::error("400 Bad Request");
    };
    let Some(file) = find_file(root, &names, path.ends_with('/')) else {
        return Response::error("404 Not Found");
    };
    match std::fs::read(&file) {
        Ok(body) => Response {
            status: "200 OK",
            content_type: content_type(&file),
            body,
        },
        Err(_) => Response::error("404 Not Found"),
    }
}

/// The names of a path, between its slashes, each `%XX` decoded. A name that is `..` once
/// decoded, or holds a `/`, is refused.
fn decode_path(path: &str) -> Result<Vec<String>, &'static str> {
    // TODO (lesson 11, "Never a byte outside the folder"): split the path at `/`, decode each
    // piece (`%` and two hex digits is one byte; the result must be UTF-8), refuse `..` and a
    // name with a `/` in it, and skip empty names and `.`.
    todo!("decode the path's names, and refuse a name that climbs out")
}

/// The file `names` lead to under `root` (a folder's `index.html` when the target ends with
/// `/`), if it is a file and really inside `root`, symbolic links followed.
fn find_file(root: &Path, names: &[String], folder: bool) -> Option<PathBuf> {
    // TODO (lesson 11, "Never a byte outside the folder"): push each name onto `root`
    // (and `index.html` for a folder), then `canonicalize()` it: where it really is. Serve it
    // only if that `starts_with(root)` and `is_file()`.
    todo!("find the file, really inside the folder")
}

/// The Content-Type of a file, from its extension.
fn content_type(file: &Path) -> &'static str {
    // TODO (lesson 11, "Answering"): `file.extension()`, and the table of rule 3.
    todo!("the type of a file, from its extension")
}

/// Sends the status line, the header lines, the empty line and (unless `head_only`) the body,
/// in one write.
fn send(
    outgoing: &mut impl Write,
    response: &Response,
    head_only: bool,
    close: bool,
) -> Result<()> {
    // TODO (lesson 11, "Answering"): the head as the top of this file shows it, every line
    // ending with `\r\n` (`Allow: GET, HEAD` for a 405, `Connection: close` when `close`),
    // then the body unless `head_only`; all of it in one `write_all`.
    todo!("send the answer")
}
