//! Reference solution of exercise `http-file-server` (lesson 11). The task and the exact
//! protocol are at the top of `http-file-server/starter.rs`.

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
    let mut lines = Vec::new();
    let mut received = 0;
    loop {
        let mut line = Vec::new();
        // At most the bytes the head may still take, plus one to see that it took too many.
        let room = (MAX_HEAD - received + 1) as u64;
        let read = incoming
            .by_ref()
            .take(room)
            .read_until(b'\n', &mut line)
            .context("could not receive a request")?;
        received += read;
        if read == 0 {
            return Ok(match received {
                0 => Incoming::Closed,
                _ => Incoming::Bad("the connection closed in the middle of a request"),
            });
        }
        if received > MAX_HEAD {
            return Ok(Incoming::Bad("a request head longer than 8192 bytes"));
        }
        if line.pop() != Some(b'\n') {
            return Ok(Incoming::Bad(
                "the connection closed in the middle of a request",
            ));
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if line.is_empty() && lines.is_empty() {
            continue; // an empty line before a request line is skipped
        }
        if line.is_empty() {
            return Ok(Incoming::Head(lines));
        }
        match String::from_utf8(line) {
            Ok(text) => lines.push(text),
            Err(_) => return Ok(Incoming::Bad("a request that is not text")),
        }
    }
}

/// The request line, `METHOD TARGET VERSION`, and the header lines, each `Name: value`.
fn parse_request(lines: &[String]) -> Result<Request, &'static str> {
    let parts: Vec<&str> = lines[0].split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err("the request line is not METHOD TARGET VERSION");
    };
    if method.is_empty() || !target.starts_with('/') {
        return Err("the request line is not METHOD TARGET VERSION");
    }
    let mut close = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Err("the version is not HTTP/1.1 or HTTP/1.0"),
    };
    for line in &lines[1..] {
        let Some((name, value)) = line.split_once(':') else {
            return Err("a header line without a colon");
        };
        if name.eq_ignore_ascii_case("connection") && value.trim().eq_ignore_ascii_case("close") {
            close = true;
        }
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        close,
    })
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
    let mut names = Vec::new();
    for piece in path.split('/') {
        let name = percent_decode(piece)?;
        if name == ".." || name.contains('/') {
            return Err("a path that climbs out");
        }
        if !name.is_empty() && name != "." {
            names.push(name);
        }
    }
    Ok(names)
}

/// `%2e` is `.`, `%20` a space: each `%` and two hex digits is the byte they write.
fn percent_decode(piece: &str) -> Result<String, &'static str> {
    let bytes = piece.as_bytes();
    let mut decoded = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = piece
                .get(at + 1..at + 3)
                .ok_or("a % without two hex digits")?;
            if !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
                return Err("a % without two hex digits");
            }
            let value = u8::from_str_radix(hex, 16).map_err(|_| "a % without two hex digits")?;
            decoded.push(value);
            at += 3;
        } else {
            decoded.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| "a path that is not UTF-8")
}

/// The file `names` lead to under `root` (a folder's `index.html` when the target ends with
/// `/`), if it is a file and really inside `root`, symbolic links followed.
fn find_file(root: &Path, names: &[String], folder: bool) -> Option<PathBuf> {
    let mut path = root.to_path_buf();
    for name in names {
        path.push(name);
    }
    if folder {
        path.push("index.html");
    }
    let real = path.canonicalize().ok()?;
    if !real.starts_with(root) || !real.is_file() {
        return None;
    }
    Some(real)
}

/// The Content-Type of a file, from its extension.
fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|extension| extension.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// Sends the status line, the header lines, the empty line and (unless `head_only`) the body,
/// in one write.
fn send(
    outgoing: &mut impl Write,
    response: &Response,
    head_only: bool,
    close: bool,
) -> Result<()> {
    let mut head = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
        response.status,
        response.content_type,
        response.body.len()
    );
    if response.status.starts_with("405") {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&response.body);
    }
    outgoing
        .write_all(&bytes)
        .context("could not send the answer")
}
