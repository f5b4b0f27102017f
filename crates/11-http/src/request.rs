//! What the server makes of a request head (RFC 9112): the request line, the `Host`, whether
//! the connection stays open, how long the body is, and which path the target names.
//!
//! Everything here is checked, and anything wrong is a [`Refusal`]: the status to answer with
//! and a sentence saying why. Nothing here touches a socket or a file.

use crate::head::{Head, is_token_byte};
use crate::response::Status;

/// The largest request body the server reads (and throws away: it serves only GET and HEAD,
/// whose requests have no use for one).
pub const MAX_BODY: u64 = 64 * 1024;

/// The methods the server answers; every other one gets `405` with this as `Allow`.
pub const ALLOWED: &str = "GET, HEAD";

/// The two versions of HTTP/1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// HTTP/1.0: one request per connection, unless the client asks to keep it alive.
    Http10,
    /// HTTP/1.1: the connection stays open for more requests, unless someone says `close`.
    Http11,
}

impl Version {
    /// As written on the request line: `HTTP/1.1`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

/// A request head that makes sense.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `HEAD`, ... (a token, case-sensitive: `get` is another method).
    pub method: String,
    /// The request target, as sent: `/picture.png`, `/about/?x=1`, `http://host/` ...
    pub target: String,
    /// Which HTTP.
    pub version: Version,
    /// The header fields.
    pub head: Head,
}

/// A request the server will not serve: the status to answer with, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The status to send.
    pub status: Status,
    /// Why, in one fixed sentence (it is sent back in the body: it repeats nothing the client
    /// sent).
    pub why: &'static str,
}

/// A refusal with status 400 Bad Request.
fn bad(why: &'static str) -> Refusal {
    Refusal {
        status: Status::BAD_REQUEST,
        why,
    }
}

// ANCHOR: parse
impl Request {
    /// Checks a request head: the request line `METHOD TARGET HTTP/1.1`, one space apart, and
    /// the `Host` field HTTP/1.1 requires (RFC 9112 3 and 3.2).
    pub fn parse(head: Head) -> Result<Request, Refusal> {
        let line = std::str::from_utf8(&head.start_line)
            .ok()
            .filter(|line| line.is_ascii())
            .ok_or(bad("the request line is not ASCII text"))?;
        let parts: Vec<&str> = line.split(' ').collect();
        let [method, target, version] = parts[..] else {
            return Err(bad(
                "the request line must be METHOD TARGET HTTP/1.1, one space apart",
            ));
        };
        if method.is_empty() || !method.bytes().all(is_token_byte) {
            return Err(bad(
                "the method is not a token (letters, digits and !#$%&'*+-.^_`|~)",
            ));
        }
        if target.is_empty() || !target.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(bad(
                "the target is empty or has a character that is not visible ASCII",
            ));
        }
        let version = parse_version(version)?;
        let hosts = head.fields_named("host").count();
        if hosts > 1 || (hosts == 0 && version == Version::Http11) {
            return Err(bad("an HTTP/1.1 request needs exactly one Host header"));
        }
        Ok(Request {
            method: method.to_string(),
            target: target.to_string(),
            version,
            head,
        })
    }
    // ANCHOR_END: parse

    // ANCHOR: keep_alive
    /// Whether the client wants the connection kept open after this request (RFC 9112 9.3):
    /// in HTTP/1.1 unless it says `Connection: close`, in HTTP/1.0 only if it says
    /// `Connection: keep-alive`.
    pub fn keep_alive(&self) -> bool {
        match self.version {
            Version::Http11 => !self.head.has_token("connection", "close"),
            Version::Http10 => self.head.has_token("connection", "keep-alive"),
        }
    }
    // ANCHOR_END: keep_alive

    // ANCHOR: body_length
    /// How many bytes of body follow the head (RFC 9112 6.3): the `Content-Length`, or 0.
    /// A body in chunks (`Transfer-Encoding`) is refused, and so is one over [`MAX_BODY`].
    pub fn body_length(&self) -> Result<u64, Refusal> {
        if self.head.field("transfer-encoding").is_some() {
            return Err(Refusal {
                status: Status::NOT_IMPLEMENTED,
                why: "this server reads no request body sent with Transfer-Encoding",
            });
        }
        let mut lengths = self.head.fields_named("content-length");
        let length = match (lengths.next(), lengths.next()) {
            (None, _) => return Ok(0),
            (Some(_), Some(_)) => return Err(bad("more than one Content-Length")),
            (Some(text), None) => parse_length(text)?,
        };
        if length > MAX_BODY {
            return Err(Refusal {
                status: Status::CONTENT_TOO_LARGE,
                why: "the request body is longer than this server takes (64 KiB)",
            });
        }
        Ok(length)
    }
    // ANCHOR_END: body_length
}

/// `HTTP/1.0` or `HTTP/1.1` (a later 1.x is answered as 1.1, as RFC 9110 2.5 asks); another
/// major version gets `505`, anything else `400`.
fn parse_version(text: &str) -> Result<Version, Refusal> {
    let digits = text.strip_prefix("HTTP/").map(str::as_bytes);
    match digits {
        Some(b"1.0") => Ok(Version::Http10),
        Some([b'1', b'.', minor]) if minor.is_ascii_digit() => Ok(Version::Http11),
        Some([major, b'.', minor]) if major.is_ascii_digit() && minor.is_ascii_digit() => {
            Err(Refusal {
                status: Status::VERSION_NOT_SUPPORTED,
                why: "this server speaks HTTP/1.0 and HTTP/1.1 only",
            })
        }
        _ => Err(bad("the version must be HTTP/1.1 or HTTP/1.0")),
    }
}

/// A `Content-Length`: decimal digits only (no sign, no spaces, no list), that fit in a u64.
fn parse_length(text: &str) -> Result<u64, Refusal> {
    let why = "Content-Length is not a number of bytes";
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(bad(why));
    }
    text.parse().map_err(|_| bad(why))
}

/// The path a target names, decoded: the names between its slashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlPath {
    /// The names, decoded (`%20` is a space), without empty ones and `.`: `/a//./b/` is
    /// `["a", "b"]`. None is `..`, and none holds a `/` or a NUL byte.
    pub names: Vec<String>,
    /// The path as sent, without the query: for a redirect to the same path with a `/` added.
    pub raw: String,
}

impl UrlPath {
    /// Whether the path ends with `/`: it names a folder.
    pub fn ends_with_slash(&self) -> bool {
        self.raw.ends_with('/')
    }
}

// ANCHOR: decode_path
/// The path a request target names (RFC 9112 3.2): `/a/b.html?x=1` is `a`, `b.html`. A target
/// in absolute form, `http://host:8000/a`, names `/a`. The query (`?x=1`) is ignored.
///
/// This is the first wall against a request for a file outside the server's folder: a name
/// `..`, written plainly or encoded (`%2e%2e`), is refused, and so is an encoded slash
/// (`%2f`), which would smuggle two names in one. (The second wall is in `files`.)
pub fn decode_path(target: &str) -> Result<UrlPath, Refusal> {
    let path = strip_scheme_and_host(target);
    if !path.starts_with('/') {
        return Err(bad("the target must be a path starting with /"));
    }
    if path.contains('#') {
        return Err(bad("a target has no #fragment (the browser keeps it)"));
    }
    let raw = path.split('?').next().unwrap_or(path);
    let mut names = Vec::new();
    for piece in raw.split('/') {
        let name = percent_decode(piece)?;
        match name.as_str() {
            "" | "." => {}
            ".." => return Err(bad("a path may not climb up with ..")),
            _ if name.contains('/') => return Err(bad("a path may not hold an encoded / (%2F)")),
            _ if name.contains(['\0', '\\']) => {
                return Err(bad("a path may not hold a NUL byte or a backslash"));
            }
            _ => names.push(name),
        }
    }
    Ok(UrlPath {
        names,
        raw: raw.to_string(),
    })
}
// ANCHOR_END: decode_path

/// The path and query of a target in absolute form (`http://host:8000/a?b` gives `/a?b`, and
/// `http://host` gives `/`); any other target as it is.
fn strip_scheme_and_host(target: &str) -> &str {
    let scheme = target.get(..7);
    if !scheme.is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://")) {
        return target;
    }
    let after = &target[7..];
    match after.find(['/', '?']) {
        Some(at) if after[at..].starts_with('/') => &after[at..],
        _ => "/",
    }
}

// ANCHOR: percent_decode
/// Decodes `%XX` escapes (two hex digits: `%20` is a space, `%2e` a dot). The result must be
/// UTF-8, the way browsers encode names.
fn percent_decode(piece: &str) -> Result<String, Refusal> {
    let bytes = piece.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'%' {
            decoded.push(bytes[at]);
            at += 1;
            continue;
        }
        let high = bytes.get(at + 1).and_then(|&byte| hex_value(byte));
        let low = bytes.get(at + 2).and_then(|&byte| hex_value(byte));
        let (Some(high), Some(low)) = (high, low) else {
            return Err(bad("a % in the path is not followed by two hex digits"));
        };
        decoded.push(high * 16 + low);
        at += 3;
    }
    String::from_utf8(decoded).map_err(|_| bad("the decoded path is not UTF-8"))
}
// ANCHOR_END: percent_decode

/// The value of one hex digit (`0`-`9`, `a`-`f`, `A`-`F`).
fn hex_value(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|value| value as u8)
}
