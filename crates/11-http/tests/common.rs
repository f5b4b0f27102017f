//! What the tests share: the programs, the shipped site, temporary folders, and a connection
//! that sends raw bytes and reads whole responses, as `nc` would, with the `Date` checked and
//! masked so that everything else can be compared byte for byte.

use std::fs;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};

use testkit::procs::{STEP_TIMEOUT, Server};

pub const SERVER: &str = env!("CARGO_BIN_EXE_http-server");
pub const CLIENT: &str = env!("CARGO_BIN_EXE_http-get");

/// The site shipped with the lesson.
pub fn site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("site")
}

/// The bytes of a file of the shipped site.
pub fn site_file(name: &str) -> Vec<u8> {
    fs::read(site().join(name)).unwrap_or_else(|error| panic!("read site/{name}: {error}"))
}

/// http-server on port 0, serving the shipped site, with `extra` options.
pub fn start(extra: &[&str]) -> Server {
    start_in(&site(), extra)
}

/// http-server on port 0, serving `root`, with `extra` options.
pub fn start_in(root: &Path, extra: &[&str]) -> Server {
    let root = root.to_str().expect("a UTF-8 path");
    let mut args = vec!["--port", "0", "--root", root];
    args.extend_from_slice(extra);
    let mut server = Server::start(Path::new(SERVER), &args).expect("http-server should start");
    server
        .expect_line(&format!("serving the files in {root}"))
        .expect("the folder line");
    server
}

/// A fresh folder under the system's temporary folder, removed when dropped.
pub struct TempFolder {
    pub path: PathBuf,
}

impl TempFolder {
    /// A folder named after the test, so that tests running at once never share one.
    pub fn new(test: &str) -> TempFolder {
        let path = std::env::temp_dir().join(format!("lesson-http-{test}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create a temporary folder");
        TempFolder { path }
    }

    /// Writes `bytes` to the file `name` (a path relative to the folder), creating folders.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create a folder");
        }
        fs::write(&path, bytes).expect("write a file");
        path
    }

    /// The names in the folder, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.path)
            .expect("list the folder")
            .map(|entry| {
                entry
                    .expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// One response as it arrived: its head (every `\r\n` kept, the `Date` value replaced by
/// `<date>`) and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub head: String,
    pub body: Vec<u8>,
}

impl Response {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a text body")
    }

    /// The whole response as text (for text bodies).
    pub fn whole(&self) -> String {
        format!("{}{}", self.head, self.text())
    }
}

/// A connection to the server, driven by the test like `nc`: raw bytes out, whole responses
/// in. Every read and write times out after `STEP_TIMEOUT`.
pub struct Http {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Http {
    pub fn connect(address: SocketAddr) -> Http {
        let stream = TcpStream::connect_timeout(&address, STEP_TIMEOUT).expect("connect");
        stream
            .set_read_timeout(Some(STEP_TIMEOUT))
            .expect("timeout");
        stream
            .set_write_timeout(Some(STEP_TIMEOUT))
            .expect("timeout");
        stream.set_nodelay(true).expect("nodelay");
        let writer = stream.try_clone().expect("a second handle");
        Http {
            reader: BufReader::new(stream),
            writer,
        }
    }

    /// Our side's address: the one the server prints.
    pub fn address(&self) -> SocketAddr {
        self.writer.local_addr().expect("local address")
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("send");
    }

    /// Sends `GET path HTTP/1.1` with a Host and nothing else.
    pub fn get(&mut self, path: &str) {
        self.send(format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n").as_bytes());
    }

    /// Sends nothing more: a half-close, as a browser does once it has read an answer with
    /// `Connection: close`. A server that reads what is left for a moment before it closes (so
    /// that its close does not reset the connection) then sees the end at once.
    pub fn finish(&self) {
        self.writer.shutdown(Shutdown::Write).expect("half-close");
    }

    /// The raw socket, e.g. to reset it.
    pub fn stream(&self) -> &TcpStream {
        &self.writer
    }

    /// Reads one response whose body is framed by its `Content-Length`.
    pub fn response(&mut self) -> Response {
        let head = self.head();
        let length = content_length(&head);
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("the whole body");
        Response { head, body }
    }

    /// Reads one response head only (the answer to HEAD, which has no body).
    pub fn head(&mut self) -> String {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            let read = self.reader.read_line(&mut line).expect("a head line");
            assert!(
                read > 0,
                "the connection closed in a head; so far: {head:?}"
            );
            let done = line == "\r\n";
            head.push_str(&mask_date(&line));
            if done {
                return head;
            }
        }
    }

    /// The server must close the connection now, having sent nothing more.
    pub fn expect_end(&mut self) {
        let mut rest = Vec::new();
        match self.reader.read_to_end(&mut rest) {
            Ok(_) => assert_eq!(String::from_utf8_lossy(&rest), "", "nothing more"),
            Err(error) => assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}"),
        }
    }
}

/// The `Content-Length` of a head (0 without one).
pub fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|line| line.strip_prefix("Content-Length: "))
        .map_or(0, |value| {
            value.trim().parse().expect("a Content-Length number")
        })
}

/// A `Date: ...` line with its value checked (an HTTP date: `Sat, 05 Dec 2026 21:21:05 GMT`)
/// and replaced by `<date>`; any other line as it is.
pub fn mask_date(line: &str) -> String {
    let Some(value) = line.strip_prefix("Date: ") else {
        return line.to_string();
    };
    let value = value.trim_end_matches("\r\n").trim_end_matches('\n');
    let format = "%a, %d %b %Y %H:%M:%S GMT";
    let parsed = chrono::NaiveDateTime::parse_from_str(value, format)
        .unwrap_or_else(|error| panic!("Date {value:?} is not an HTTP date: {error}"));
    assert_eq!(
        parsed.format(format).to_string(),
        value,
        "an exact HTTP date"
    );
    line.replace(value, "<date>")
}

/// The head the server sends with a file: 200, its type and length.
pub fn ok_head(content_type: &str, length: usize) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: {content_type}\r\n\
         Content-Length: {length}\r\n\r\n"
    )
}

/// The whole response to a refused request: its status, the sentence why, `Connection: close`.
pub fn refusal(status: &str, why: &str) -> String {
    let body = format!("{status}: {why}\n");
    format!(
        "HTTP/1.1 {status}\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// The server's access line for one request.
pub fn access_line(client: SocketAddr, request_line: &str, outcome: &str) -> String {
    format!("{client} \"{request_line}\" {outcome}")
}
