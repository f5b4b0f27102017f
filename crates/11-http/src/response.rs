//! Status codes, and the bytes of a response head.
//!
//! ```text
//! HTTP/1.1 200 OK\r\n                          the status line
//! Date: Tue, 05 Nov 2024 08:49:37 GMT\r\n      when (RFC 9110 6.6.1: a server with a clock sends it)
//! Content-Type: text/html; charset=utf-8\r\n   what the body is
//! Content-Length: 539\r\n                      how many bytes the body has: where it ends
//! \r\n                                         the empty line; then the body
//! ```

use std::fmt;

/// A status code and its reason phrase, the words people read (`404 Not Found`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// The number programs read: 2xx success, 3xx look elsewhere, 4xx the client's mistake,
    /// 5xx the server's.
    pub code: u16,
    /// The words after it.
    pub reason: &'static str,
}

impl Status {
    /// 200: here it is.
    pub const OK: Status = Status::new(200, "OK");
    /// 301: it lives at another address, given in `Location` (a folder without its final `/`).
    pub const MOVED_PERMANENTLY: Status = Status::new(301, "Moved Permanently");
    /// 400: the request is not HTTP as RFC 9112 writes it.
    pub const BAD_REQUEST: Status = Status::new(400, "Bad Request");
    /// 404: nothing to serve at this path.
    pub const NOT_FOUND: Status = Status::new(404, "Not Found");
    /// 405: this server does not do that method; `Allow` says which it does.
    pub const METHOD_NOT_ALLOWED: Status = Status::new(405, "Method Not Allowed");
    /// 408: a request started, and did not finish in time.
    pub const REQUEST_TIMEOUT: Status = Status::new(408, "Request Timeout");
    /// 413: the request's body is larger than the server takes.
    pub const CONTENT_TOO_LARGE: Status = Status::new(413, "Content Too Large");
    /// 414: the request line is longer than the server takes.
    pub const URI_TOO_LONG: Status = Status::new(414, "URI Too Long");
    /// 431: the request head is larger than the server takes.
    pub const HEADER_FIELDS_TOO_LARGE: Status = Status::new(431, "Request Header Fields Too Large");
    /// 501: the request needs something this server does not do (a body sent in chunks).
    pub const NOT_IMPLEMENTED: Status = Status::new(501, "Not Implemented");
    /// 503: too many clients right now; try again later.
    pub const SERVICE_UNAVAILABLE: Status = Status::new(503, "Service Unavailable");
    /// 505: a version of HTTP other than 1.0 and 1.1.
    pub const VERSION_NOT_SUPPORTED: Status = Status::new(505, "HTTP Version Not Supported");

    const fn new(code: u16, reason: &'static str) -> Status {
        Status { code, reason }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.reason)
    }
}

// ANCHOR: head
/// The bytes of a response head: the status line, `Date`, each of `fields` as `name: value`,
/// and the empty line. Every line ends with `\r\n`.
pub fn head(status: Status, fields: &[(&str, String)]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status}\r\nDate: {}\r\n", http_date());
    for (name, value) in fields {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}
// ANCHOR_END: head

/// Now, as HTTP writes dates (RFC 9110 5.6.7): `Tue, 05 Nov 2024 08:49:37 GMT`.
pub fn http_date() -> String {
    chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// The body of an error response: its status and why, on one line of plain text, so that
/// whoever sent the request by hand (with `nc`) reads what was wrong with it.
pub fn error_body(status: Status, why: &str) -> String {
    format!("{status}: {why}\n")
}
