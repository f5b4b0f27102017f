//! Framing: getting whole messages back out of TCP's stream of bytes.
//!
//! TCP delivers bytes, in order, but not messages: one `send` of 10 bytes may arrive as two
//! reads of 5, and two sends may arrive as one read. A protocol has to say where each message
//! ends, and both sides have to honour it. Lesson 5 writes these helpers step by step:
//!
//! - [`send_all`] and [`recv_exact`]: the loops behind "send all of it" and "receive exactly N
//!   bytes", because one `write` or `read` may move only part of the data.
//! - [`send_string`] / [`read_string`]: a message prefixed by its length, as 8 ASCII digits
//!   (`00000005Hello`), the wire format of the Python tutorial's `send_string` and
//!   `read_string`. [`send_frame`] / [`read_frame`] are the same for raw bytes.
//! - [`read_until_delimiter`] and [`read_line`]: a message followed by a marker (`##END##`, or a
//!   newline).
//!
//! Every reader takes a `limit` and refuses a message larger than that *before* storing it, so
//! a client cannot make a server allocate gigabytes by announcing (or sending) a huge message.
//! At a message boundary, a cleanly closed connection is `Ok(None)`: the peer is done.

use std::io::{self, BufRead, Read, Write};

use crate::show::show_bytes;

/// The length of the header of [`send_string`]'s format: 8 ASCII decimal digits.
pub const HEADER_LEN: usize = 8;

/// The largest message an 8-digit header can announce.
pub const MAX_HEADER_VALUE: usize = 99_999_999;

/// How much more room [`read_frame`] makes in its buffer at a time, at most.
const PIECE: usize = 64 * 1024;

/// Why a message could not be read (or written).
///
/// Each message says what was wrong in words a student understands. `Truncated`,
/// `MissingDelimiter`, `PeerStoppedReading` and `Io` are problems of the connection; the others
/// are problems of what the peer sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The connection closed in the middle of a message.
    #[error(
        "the connection closed in the middle of a message: {missing} of {expected} bytes never arrived"
    )]
    Truncated {
        /// The size the message should have had.
        expected: usize,
        /// How many bytes of it were missing.
        missing: usize,
    },

    /// A length header that is not exactly 8 decimal digits.
    #[error("the length header {header} is not 8 decimal digits (like \"00000005\")")]
    BadHeader {
        /// The header as received, shown as text or hex.
        header: String,
    },

    /// A message larger than the limit (announced by a header, or sent without its delimiter).
    #[error("a message of {size} bytes is over the limit of {limit} bytes (--max-bytes)")]
    TooLarge {
        /// The size announced, or reached so far.
        size: usize,
        /// The limit.
        limit: usize,
    },

    /// More than `limit` bytes arrived without the delimiter.
    #[error("no {delimiter} within the first {limit} bytes (the limit, --max-bytes)")]
    NoDelimiter {
        /// The delimiter, shown as text.
        delimiter: String,
        /// The limit.
        limit: usize,
    },

    /// The connection closed after some bytes of a message, before its delimiter.
    #[error(
        "the connection closed before the {delimiter} that ends a message ({received} bytes without it)"
    )]
    MissingDelimiter {
        /// The delimiter, shown as text.
        delimiter: String,
        /// How many bytes arrived without it.
        received: usize,
    },

    /// A text message that is not valid UTF-8.
    #[error("the message is not UTF-8 text (invalid bytes from position {position})")]
    NotUtf8 {
        /// Where the first invalid byte is.
        position: usize,
    },

    /// A message too long for an 8-digit header.
    #[error("a message of {size} bytes does not fit an 8-digit length header (at most 99999999)")]
    TooLongToSend {
        /// The message's size.
        size: usize,
    },

    /// A send timed out, because the peer stopped reading ([`send_all`]).
    ///
    /// A send waits only while the buffers between the two programs are full, and they stay
    /// full when the peer stops reading: so a send that times out means "the peer stopped
    /// reading", where a receive that times out means "nothing arrived".
    #[error("the peer stopped reading (timed out)")]
    PeerStoppedReading,

    /// The socket failed (timed out, reset, ...).
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Sends all of `data`, calling `write` until every byte is out, like Python's
/// `sendall` (and the tutorial's `send_all_bytes`).
///
/// One `write` hands the operating system as much as fits in the socket's send buffer and
/// returns how much that was; the rest is ours to send again. std's `write_all` is this loop.
/// `send_all` also says what a send that times out means: the peer has stopped reading
/// ([`FrameError::PeerStoppedReading`]). Use it where a peer may stop reading what you send
/// (an echo server's replies, say); `write_all` reports the same timeout as a bare "timed out".
///
/// ```
/// let mut wire = Vec::new();
/// netlesson::framing::send_all(&mut wire, b"HelloWorld")?;
/// assert_eq!(wire, b"HelloWorld");
/// # Ok::<(), netlesson::framing::FrameError>(())
/// ```
// ANCHOR: send_all
pub fn send_all(writer: &mut impl Write, data: &[u8]) -> Result<(), FrameError> {
    let mut sent = 0;
    while sent < data.len() {
        match writer.write(&data[sent..]) {
            // A write of 0 bytes means the connection can take no more: it is broken.
            Ok(0) => return Err(FrameError::Io(io::ErrorKind::WriteZero.into())),
            Ok(count) => sent += count,
            // A signal interrupted the call before anything was sent: just try again.
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            // The send timeout expired: the buffers stayed full, so the peer is not reading.
            Err(error) if is_timeout(&error) => return Err(FrameError::PeerStoppedReading),
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}
// ANCHOR_END: send_all

/// Whether `error` is a socket timeout expiring (SO_RCVTIMEO / SO_SNDTIMEO show up as "would
/// block" on Linux and macOS, as "timed out" on Windows).
fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Fills `buffer` completely, calling `read` until it is full, like the tutorial's
/// `receive_all_bytes`. You must know how many bytes are coming.
///
/// If the connection closes first, the error says how many bytes never arrived. std's
/// `read_exact` is this loop.
///
/// ```
/// use netlesson::framing::{recv_exact, FrameError};
///
/// let mut buffer = [0u8; 5];
/// recv_exact(&mut &b"HelloWorld"[..], &mut buffer)?;
/// assert_eq!(&buffer, b"Hello");
///
/// let error = recv_exact(&mut &b"Hel"[..], &mut buffer).unwrap_err();
/// assert!(matches!(error, FrameError::Truncated { expected: 5, missing: 2 }));
/// # Ok::<(), FrameError>(())
/// ```
// ANCHOR: recv_exact
pub fn recv_exact(reader: &mut impl Read, buffer: &mut [u8]) -> Result<(), FrameError> {
    let mut received = 0;
    while received < buffer.len() {
        match reader.read(&mut buffer[received..]) {
            // 0 bytes: the peer closed the connection before sending all of it.
            Ok(0) => {
                return Err(FrameError::Truncated {
                    expected: buffer.len(),
                    missing: buffer.len() - received,
                });
            }
            Ok(count) => received += count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}
// ANCHOR_END: recv_exact

/// Sends `text` as a length-prefixed string: its size in UTF-8 bytes as 8 zero-padded ASCII
/// digits, then the bytes. The tutorial's `send_string` format.
///
/// ```
/// let mut wire = Vec::new();
/// netlesson::framing::send_string(&mut wire, "Hello")?;
/// assert_eq!(wire, b"00000005Hello");
///
/// let mut wire = Vec::new();
/// netlesson::framing::send_string(&mut wire, "straße")?; // ß is two bytes in UTF-8
/// assert_eq!(wire, "00000007straße".as_bytes());
/// # Ok::<(), netlesson::framing::FrameError>(())
/// ```
// ANCHOR: send_string
pub fn send_string(writer: &mut impl Write, text: &str) -> Result<(), FrameError> {
    send_frame(writer, text.as_bytes())
}
// ANCHOR_END: send_string

/// Sends `data` behind an 8-digit length header: [`send_string`] for bytes.
///
/// Header and data go out together, in one [`send_all`]. (Two writes, the header and then the
/// data, put the same bytes on the wire; but two small writes followed by a read make TCP's
/// small-packet rules, Nagle's algorithm and delayed acknowledgements, hold the second write
/// back for up to 40 ms, on every message.)
///
/// ```
/// let mut wire = Vec::new();
/// netlesson::framing::send_frame(&mut wire, &[0xff, 0x00])?;
/// assert_eq!(wire, b"00000002\xff\x00");
/// # Ok::<(), netlesson::framing::FrameError>(())
/// ```
// ANCHOR: send_frame
pub fn send_frame(writer: &mut impl Write, data: &[u8]) -> Result<(), FrameError> {
    if data.len() > MAX_HEADER_VALUE {
        return Err(FrameError::TooLongToSend { size: data.len() });
    }
    // The length in decimal, zero-padded to 8 digits: 5 becomes "00000005".
    let header = format!("{:0width$}", data.len(), width = HEADER_LEN);
    let mut frame = Vec::with_capacity(HEADER_LEN + data.len());
    frame.extend_from_slice(header.as_bytes());
    frame.extend_from_slice(data);
    send_all(writer, &frame)?;
    Ok(())
}
// ANCHOR_END: send_frame

/// Reads one length-prefixed string (see [`send_string`]), at most `limit` bytes long.
///
/// Returns `Ok(None)` when the connection closed cleanly before a new message began. The header
/// must be exactly 8 ASCII digits: `-0000001`, `abcdefgh` and ` 0000005` are refused. A size
/// over `limit` is refused before anything is stored.
///
/// ```
/// use netlesson::framing::{read_string, FrameError};
///
/// let mut wire = &b"00000005Hello00000005World"[..];
/// assert_eq!(read_string(&mut wire, 1024)?, Some("Hello".to_string()));
/// assert_eq!(read_string(&mut wire, 1024)?, Some("World".to_string()));
/// assert_eq!(read_string(&mut wire, 1024)?, None); // clean end
///
/// let error = read_string(&mut &b"99999999..."[..], 1024).unwrap_err();
/// assert_eq!(error.to_string(), "a message of 99999999 bytes is over the limit of 1024 bytes (--max-bytes)");
/// # Ok::<(), FrameError>(())
/// ```
// ANCHOR: read_string
pub fn read_string(reader: &mut impl Read, limit: usize) -> Result<Option<String>, FrameError> {
    let Some(bytes) = read_frame(reader, limit)? else {
        return Ok(None);
    };
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|error| FrameError::NotUtf8 {
            position: error.utf8_error().valid_up_to(),
        })
}
// ANCHOR_END: read_string

/// Reads one length-prefixed message of raw bytes: [`read_string`] without the UTF-8 check.
// ANCHOR: read_frame
pub fn read_frame(reader: &mut impl Read, limit: usize) -> Result<Option<Vec<u8>>, FrameError> {
    let Some(size) = read_header(reader)? else {
        return Ok(None);
    };
    if size > limit {
        return Err(FrameError::TooLarge { size, limit });
    }
    // Exactly `size` bytes, with recv_exact. The buffer grows one piece (64 KiB at most) at a
    // time rather than to `size` at once, so a peer that announces a big message and then
    // sends nothing makes us store next to nothing.
    let mut body = Vec::new();
    while body.len() < size {
        let received = body.len();
        let piece = (size - received).min(PIECE);
        body.resize(received + piece, 0);
        recv_exact(reader, &mut body[received..]).map_err(|error| match error {
            // Count what is missing from the whole message, not just from this piece.
            FrameError::Truncated { missing, .. } => FrameError::Truncated {
                expected: size,
                missing: size - (received + piece - missing),
            },
            other => other,
        })?;
    }
    Ok(Some(body))
}
// ANCHOR_END: read_frame

/// Reads the 8-digit header; `None` if the connection closed before its first byte.
// ANCHOR: read_header
fn read_header(reader: &mut impl Read) -> Result<Option<usize>, FrameError> {
    let mut header = [0u8; HEADER_LEN];
    let first = loop {
        match reader.read(&mut header) {
            Ok(count) => break count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error.into()),
        }
    };
    if first == 0 {
        return Ok(None);
    }
    // The rest of the header. If the connection closes now, say how much of all 8 bytes
    // never arrived (recv_exact only knows about the part it was asked for).
    recv_exact(reader, &mut header[first..]).map_err(|error| match error {
        FrameError::Truncated { missing, .. } => FrameError::Truncated {
            expected: HEADER_LEN,
            missing,
        },
        other => other,
    })?;
    if !header.iter().all(u8::is_ascii_digit) {
        return Err(FrameError::BadHeader {
            header: show_bytes(&header),
        });
    }
    // Eight ASCII digits always parse, and always fit a usize.
    let size = header
        .iter()
        .fold(0usize, |size, digit| size * 10 + usize::from(digit - b'0'));
    Ok(Some(size))
}
// ANCHOR_END: read_header

/// Reads bytes up to `delimiter` and returns them without it; what follows the delimiter stays
/// in `reader` for the next call.
///
/// Returns `Ok(None)` when the connection closed cleanly before a new message began. Fails when
/// more than `limit` bytes arrive without the delimiter, or when the connection closes halfway.
/// Each read is scanned once, from where the last scan stopped (minus the delimiter's length,
/// in case the delimiter is split between two reads), so the time taken grows linearly with
/// the message. (Rescanning everything received after every read, as a naive loop does, is
/// quadratic: a 4 MB message becomes seconds of searching.)
///
/// ```
/// use std::io::BufReader;
/// use netlesson::framing::read_until_delimiter;
///
/// let mut wire = BufReader::new(&b"{\"a\":1}##END##{\"b\":2}##END##"[..]);
/// assert_eq!(read_until_delimiter(&mut wire, b"##END##", 1024)?, Some(b"{\"a\":1}".to_vec()));
/// assert_eq!(read_until_delimiter(&mut wire, b"##END##", 1024)?, Some(b"{\"b\":2}".to_vec()));
/// assert_eq!(read_until_delimiter(&mut wire, b"##END##", 1024)?, None);
/// # Ok::<(), netlesson::framing::FrameError>(())
/// ```
// ANCHOR: read_until_delimiter
pub fn read_until_delimiter(
    reader: &mut impl BufRead,
    delimiter: &[u8],
    limit: usize,
) -> Result<Option<Vec<u8>>, FrameError> {
    assert!(!delimiter.is_empty(), "a delimiter needs at least one byte");
    let mut message = Vec::new();
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error.into()),
        };
        if chunk.is_empty() {
            return end_of_stream(message, delimiter);
        }
        // Scan from just before the new bytes: the delimiter may have started in the last read.
        let scan_from = message.len().saturating_sub(delimiter.len() - 1);
        let old_len = message.len();
        // Take no more than the limit allows (plus room to see a delimiter at its edge).
        let room = (limit + delimiter.len()).saturating_sub(old_len);
        let taken = chunk.len().min(room);
        message.extend_from_slice(&chunk[..taken]);
        if let Some(at) = find(&message[scan_from..], delimiter) {
            let end = scan_from + at;
            // Consume the bytes of this chunk up to the end of the delimiter, not beyond.
            reader.consume(end + delimiter.len() - old_len);
            message.truncate(end);
            return check_limit(message, delimiter, limit);
        }
        reader.consume(taken);
        // A delimiter starting within the limit would have ended by now: there is none.
        if message.len() >= limit + delimiter.len() {
            return Err(FrameError::NoDelimiter {
                delimiter: show_bytes(delimiter),
                limit,
            });
        }
    }
}
// ANCHOR_END: read_until_delimiter

fn check_limit(
    message: Vec<u8>,
    delimiter: &[u8],
    limit: usize,
) -> Result<Option<Vec<u8>>, FrameError> {
    if message.len() > limit {
        return Err(FrameError::NoDelimiter {
            delimiter: show_bytes(delimiter),
            limit,
        });
    }
    Ok(Some(message))
}

fn end_of_stream(message: Vec<u8>, delimiter: &[u8]) -> Result<Option<Vec<u8>>, FrameError> {
    if message.is_empty() {
        Ok(None)
    } else {
        Err(FrameError::MissingDelimiter {
            delimiter: show_bytes(delimiter),
            received: message.len(),
        })
    }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    // Look for the needle's first byte with a tight loop, and compare the rest only where it
    // occurs. (Comparing a whole window at every position costs a function call per byte:
    // about ten times slower on megabytes of base64, where `#` never occurs.)
    let (first, rest) = needle.split_first()?;
    let mut start = 0;
    while let Some(offset) = haystack[start..].iter().position(|byte| byte == first) {
        let at = start + offset;
        if haystack[at + 1..].starts_with(rest) {
            return Some(at);
        }
        start = at + 1;
    }
    None
}

/// Reads one line of UTF-8 text, at most `limit` bytes, and returns it without its `\n` (or
/// `\r\n`, as telnet and Windows send). `Ok(None)` at a clean end of the stream.
///
/// ```
/// use std::io::BufReader;
/// use netlesson::framing::read_line;
///
/// let mut wire = BufReader::new(&b"hello\r\nworld\n"[..]);
/// assert_eq!(read_line(&mut wire, 80)?, Some("hello".to_string()));
/// assert_eq!(read_line(&mut wire, 80)?, Some("world".to_string()));
/// assert_eq!(read_line(&mut wire, 80)?, None);
/// # Ok::<(), netlesson::framing::FrameError>(())
/// ```
// ANCHOR: read_line
pub fn read_line(reader: &mut impl BufRead, limit: usize) -> Result<Option<String>, FrameError> {
    let Some(mut line) = read_until_delimiter(reader, b"\n", limit)? else {
        return Ok(None);
    };
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|error| FrameError::NotUtf8 {
            position: error.utf8_error().valid_up_to(),
        })
}
// ANCHOR_END: read_line

#[cfg(test)]
mod tests {
    use std::io::BufReader;
    use std::time::Duration;

    use super::*;
    use crate::report::Limit;

    /// A connection whose send buffer is full: every send times out.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::WouldBlock.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_send_that_times_out_is_described_as_the_peer_not_reading() {
        let error = send_all(&mut Full, b"x").expect_err("the send times out");
        assert!(matches!(error, FrameError::PeerStoppedReading));
        let error = anyhow::Error::new(error).context("could not send");
        let idle = Limit::idle_timeout(Duration::from_secs(10));
        assert_eq!(
            crate::describe(&error, Some(idle)),
            "could not send: the peer stopped reading: nothing could be sent for 10 s (--idle-timeout)"
        );
        assert_eq!(
            crate::describe(&error, None),
            "could not send: the peer stopped reading (timed out)"
        );
    }

    #[test]
    fn a_traced_send_that_times_out_is_passed_on_unchanged() {
        let error = crate::Traced::new(Full)
            .write(b"x")
            .expect_err("the send times out");
        assert_eq!(error.kind(), io::ErrorKind::WouldBlock);
        assert!(error.get_ref().is_none(), "Traced must not rewrite errors");
    }

    /// A reader that hands out at most `step` bytes per read, like a slow network.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let count = self.step.min(buffer.len()).min(self.data.len());
            buffer[..count].copy_from_slice(&self.data[..count]);
            self.data = &self.data[count..];
            Ok(count)
        }
    }

    #[test]
    fn strings_survive_one_byte_reads() {
        let mut reader = Trickle {
            data: b"00000005Hello00000000",
            step: 1,
        };
        assert_eq!(
            read_string(&mut reader, 10).expect("first"),
            Some("Hello".into())
        );
        assert_eq!(
            read_string(&mut reader, 10).expect("empty"),
            Some("".into())
        );
        assert_eq!(read_string(&mut reader, 10).expect("end"), None);
    }

    #[test]
    fn bad_headers_are_refused_with_what_arrived() {
        for (wire, shown) in [
            (&b"abcdefgh"[..], "\"abcdefgh\""),
            (b"-0000001x", "\"-0000001\""),
            (b" 0000005Hello", "\" 0000005\""),
        ] {
            let error = read_string(&mut &wire[..], 100).expect_err("bad header");
            assert_eq!(
                error.to_string(),
                format!("the length header {shown} is not 8 decimal digits (like \"00000005\")")
            );
        }
    }

    #[test]
    fn a_header_cut_short_is_truncated_not_clean_end() {
        let error = read_string(&mut &b"0000"[..], 100).expect_err("truncated");
        assert!(matches!(
            error,
            FrameError::Truncated {
                expected: 8,
                missing: 4
            }
        ));
        let error = read_string(&mut &b"00000010Hello"[..], 100).expect_err("short body");
        assert_eq!(
            error.to_string(),
            "the connection closed in the middle of a message: 5 of 10 bytes never arrived"
        );
    }

    #[test]
    fn delimiter_split_across_one_byte_reads_is_found() {
        let data = b"abc##END##def##END##";
        let mut reader = BufReader::with_capacity(
            1,
            Trickle {
                data: &data[..],
                step: 1,
            },
        );
        assert_eq!(
            read_until_delimiter(&mut reader, b"##END##", 3).expect("first"),
            Some(b"abc".to_vec())
        );
        assert_eq!(
            read_until_delimiter(&mut reader, b"##END##", 3).expect("second"),
            Some(b"def".to_vec())
        );
        assert_eq!(
            read_until_delimiter(&mut reader, b"##END##", 3).expect("end"),
            None
        );
    }

    #[test]
    fn delimiter_after_partial_matches_is_found_at_its_first_whole_occurrence() {
        let mut reader = BufReader::new(&b"a#b##E###END####END##"[..]);
        assert_eq!(
            read_until_delimiter(&mut reader, b"##END##", 100).expect("found"),
            Some(b"a#b##E#".to_vec())
        );
        assert_eq!(
            read_until_delimiter(&mut reader, b"##END##", 100).expect("second"),
            Some(b"".to_vec())
        );
        assert_eq!(find(b"abc", b"abcd"), None);
        assert_eq!(find(b"xxabc", b"abc"), Some(2));
        assert_eq!(find(b"ab", b"b"), Some(1));
    }

    #[test]
    fn endless_data_without_delimiter_stops_at_the_limit() {
        let mut endless = BufReader::new(io::repeat(b'x'));
        let error = read_until_delimiter(&mut endless, b"##END##", 1000).expect_err("limit");
        assert_eq!(
            error.to_string(),
            "no \"##END##\" within the first 1000 bytes (the limit, --max-bytes)"
        );
    }

    #[test]
    fn message_of_exactly_the_limit_is_accepted_and_one_more_is_not() {
        let mut reader = BufReader::new(&b"12345\n123456\n"[..]);
        assert_eq!(
            read_line(&mut reader, 5).expect("fits"),
            Some("12345".into())
        );
        assert!(matches!(
            read_line(&mut reader, 5),
            Err(FrameError::NoDelimiter { limit: 5, .. })
        ));
    }

    #[test]
    fn closing_halfway_through_a_delimited_message_is_an_error() {
        let mut reader = BufReader::new(&b"{\"image\": \"iVBOR"[..]);
        let error = read_until_delimiter(&mut reader, b"##END##", 100).expect_err("cut");
        assert_eq!(
            error.to_string(),
            "the connection closed before the \"##END##\" that ends a message (16 bytes without it)"
        );
    }
}
