//! Reading the head of an HTTP message: the start line and the header lines, up to the empty
//! line that ends them, within a size limit.
//!
//! Requests and responses have the same shape (RFC 9112, section 2.1):
//!
//! ```text
//! GET /index.html HTTP/1.1\r\n     the start line (a response's: HTTP/1.1 200 OK)
//! Host: 127.0.0.1:8000\r\n         header lines, `name: value`
//! Accept: */*\r\n
//! \r\n                             the empty line: the head ends here, the body (if any) starts
//! ```
//!
//! Lesson 5's delimiters, twice over: a line ends at `\n`, the head at an empty line. And
//! lesson 5's rule: the limit is checked before anything is stored, so a peer that never sends
//! the empty line gets an error, not all of our memory.

use std::io::{self, BufRead};

use crate::timed::is_timeout;

/// The most header lines a head may have.
pub const MAX_FIELDS: usize = 100;

/// A message head, as read: the start line and the header fields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The first line, without its line ending (checked by whoever reads the message: a
    /// request line and a status line differ).
    pub start_line: Vec<u8>,
    /// The header fields, in the order they came.
    pub fields: Vec<Field>,
}

/// One header field, `name: value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The name as sent (names are case-insensitive: compare with `eq_ignore_ascii_case`).
    pub name: String,
    /// The value, without the spaces around it.
    pub value: String,
}

impl Head {
    /// The value of the first field called `name` (in any case), if there is one.
    pub fn field(&self, name: &str) -> Option<&str> {
        let mut fields = self.fields.iter();
        let found = fields.find(|field| field.name.eq_ignore_ascii_case(name));
        found.map(|field| field.value.as_str())
    }

    /// The values of every field called `name` (in any case), in order.
    pub fn fields_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.fields
            .iter()
            .filter(move |field| field.name.eq_ignore_ascii_case(name))
            .map(|field| field.value.as_str())
    }

    /// Whether the comma-separated list in the fields called `name` holds `token`, in any
    /// case: `Connection: keep-alive, Upgrade` holds `upgrade`.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.fields_named(name)
            .flat_map(|value| value.split(','))
            .any(|item| item.trim().eq_ignore_ascii_case(token))
    }
}

/// Why no head could be read.
#[derive(Debug)]
pub enum HeadError {
    /// The peer closed the connection before sending a byte of it.
    Closed,
    /// The peer closed the connection partway through it, after `received` bytes.
    ClosedEarly {
        /// Bytes of the head that had arrived.
        received: usize,
    },
    /// The deadline passed after `received` bytes of it (0: nothing at all arrived).
    TimedOut {
        /// Bytes of the head that had arrived.
        received: usize,
    },
    /// The start line alone is longer than the limit.
    StartLineTooLong {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The head is longer than the limit, or has more than [`MAX_FIELDS`] header lines.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// What arrived is not a head: why, in a fixed sentence (nothing the peer sent is repeated).
    Malformed(&'static str),
    /// The connection failed (reset, ...).
    Io(io::Error),
}

impl HeadError {
    /// What went wrong, in words, for a log line or an error message.
    pub fn explain(&self) -> String {
        match self {
            HeadError::Closed => "the connection closed before a head arrived".to_string(),
            HeadError::ClosedEarly { received } => {
                format!("the connection closed in the middle of a head ({received} bytes of it)")
            }
            HeadError::TimedOut { received: 0 } => "nothing arrived in time".to_string(),
            HeadError::TimedOut { received } => {
                format!("only {received} bytes of a head arrived in time, without its end")
            }
            HeadError::StartLineTooLong { limit } => {
                format!("a first line longer than {limit} bytes")
            }
            HeadError::TooLarge { limit } => {
                format!("a head longer than {limit} bytes or with over {MAX_FIELDS} header lines")
            }
            HeadError::Malformed(why) => why.to_string(),
            HeadError::Io(error) => netlesson::show::explain_io(error),
        }
    }
}

// ANCHOR: read_head
/// Reads one message head from `reader`: lines up to the first empty one, at most `limit`
/// bytes in all. Empty lines before the start line are skipped (RFC 9112 2.2: a client may
/// send an extra `\r\n` after a request's body).
pub fn read_head(reader: &mut impl BufRead, limit: usize) -> Result<Head, HeadError> {
    let mut received = 0; // bytes of this head so far, line endings included
    let start_line = loop {
        let line = read_line(reader, limit, &mut received).map_err(|error| match error {
            HeadError::TooLarge { limit } => HeadError::StartLineTooLong { limit },
            other => other,
        })?;
        if !line.is_empty() {
            break line;
        }
    };
    let mut fields = Vec::new();
    loop {
        let line = read_line(reader, limit, &mut received)?;
        if line.is_empty() {
            return Ok(Head { start_line, fields }); // the empty line: the head is complete
        }
        if fields.len() == MAX_FIELDS {
            return Err(HeadError::TooLarge { limit });
        }
        fields.push(parse_field(&line).map_err(HeadError::Malformed)?);
    }
}
// ANCHOR_END: read_head

// ANCHOR: read_line
/// Reads one line, up to and including its `\n`, and returns it without the `\n` (and without
/// a `\r` before it: RFC 9112 2.2 lets a recipient take a bare `\n` as a line's end, which is
/// what `nc` sends). `received` counts the bytes of the head so far; the line may bring it up
/// to `limit`, and not one byte more is stored.
fn read_line(
    reader: &mut impl BufRead,
    limit: usize,
    received: &mut usize,
) -> Result<Vec<u8>, HeadError> {
    let mut line = Vec::new();
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) if is_timeout(&error) => {
                return Err(HeadError::TimedOut {
                    received: *received,
                });
            }
            Err(error) => return Err(HeadError::Io(error)),
        };
        if available.is_empty() {
            return Err(match *received {
                0 => HeadError::Closed,
                received => HeadError::ClosedEarly { received },
            });
        }
        // Take the bytes up to the line's end if it is here, else everything here.
        let end = available.iter().position(|&byte| byte == b'\n');
        let take = end.map_or(available.len(), |at| at + 1);
        if take > limit - *received {
            return Err(HeadError::TooLarge { limit });
        }
        line.extend_from_slice(&available[..take]);
        reader.consume(take);
        *received += take;
        if end.is_some() {
            line.pop(); // the `\n`
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(line);
        }
    }
}
// ANCHOR_END: read_line

// ANCHOR: parse_field
/// Splits a header line into its name and value (RFC 9112 section 5): `name:value`, with
/// optional spaces or tabs around the value and none before the colon.
fn parse_field(line: &[u8]) -> Result<Field, &'static str> {
    if line.starts_with(b" ") || line.starts_with(b"\t") {
        return Err("a header line that starts with a space (obsolete line folding)");
    }
    let Some(colon) = line.iter().position(|&byte| byte == b':') else {
        return Err("a header line without a colon");
    };
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() || !name.iter().all(|&byte| is_token_byte(byte)) {
        return Err("a header name that is not a token (letters, digits and !#$%&'*+-.^_`|~)");
    }
    // Visible characters, spaces and tabs; a `\r` or any other control character is refused.
    if value
        .iter()
        .any(|&byte| (byte < 0x20 && byte != b'\t') || byte == 0x7f)
    {
        return Err("a header value with a control character in it");
    }
    let value = value.trim_ascii();
    Ok(Field {
        // Only bytes of a token: ASCII, so the conversion never fails.
        name: String::from_utf8_lossy(name).into_owned(),
        // Bytes above 127 (old Latin-1 text) are allowed; they become U+FFFD here.
        value: String::from_utf8_lossy(value).into_owned(),
    })
}
// ANCHOR_END: parse_field

/// Whether `byte` may be part of a *token* (RFC 9110 5.6.2): a method or a header name.
pub fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}
