//! Formatting for people: bytes as escaped text or hex, counts with their noun, durations, and
//! socket errors in plain words.
//!
//! This is the bottom layer of `netlesson`: it uses nothing else from the crate, and trace
//! lines, error messages and server logs all format through it, so they say things the same way.

use std::borrow::Cow;
use std::io;
use std::time::Duration;

/// How many bytes of a buffer [`show_bytes`] shows before it says how many more there were.
const SHOWN_BYTES: usize = 64;

/// Shows bytes the way trace lines and logs do: as quoted, escaped text when they are UTF-8,
/// otherwise as hex. Long buffers are cut after 64 bytes with a count of the rest.
///
/// ```
/// use netlesson::show::show_bytes;
///
/// assert_eq!(show_bytes(b"Hello\r\n"), r#""Hello\r\n""#);
/// assert_eq!(show_bytes(&[0xff, 0xfe, 0x00]), "ff fe 00");
/// assert_eq!(show_bytes(&[b'a'; 70]), format!("\"{}\" ... (6 more bytes)", "a".repeat(64)));
/// assert_eq!(show_bytes(&[b'a'; 65]), format!("\"{}\" ... (1 more byte)", "a".repeat(64)));
/// ```
pub fn show_bytes(bytes: &[u8]) -> String {
    let shown = &bytes[..bytes.len().min(SHOWN_BYTES)];
    let mut text = match std::str::from_utf8(shown) {
        Ok(valid) => format!("{valid:?}"),
        // A cut may split a multi-byte character: show the valid part as text, not hex.
        Err(error) if bytes.len() > SHOWN_BYTES && error.error_len().is_none() => {
            format!(
                "{:?}",
                String::from_utf8_lossy(&shown[..error.valid_up_to()])
            )
        }
        Err(_) => hex(shown),
    };
    if bytes.len() > shown.len() {
        let more = count(bytes.len() - shown.len(), "more byte");
        text.push_str(&format!(" ... ({more})"));
    }
    text
}

/// Bytes as lowercase hex pairs separated by spaces: `ff fe 00`.
///
/// ```
/// assert_eq!(netlesson::show::hex(b"AB"), "41 42");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    let pairs: Vec<String> = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    pairs.join(" ")
}

/// A count with its noun, singular or plural: `1 byte`, `13 bytes`.
///
/// ```
/// assert_eq!(netlesson::show::count(1, "byte"), "1 byte");
/// assert_eq!(netlesson::show::count(13, "byte"), "13 bytes");
/// ```
pub fn count(number: usize, noun: &str) -> String {
    match number {
        1 => format!("1 {noun}"),
        _ => format!("{number} {noun}s"),
    }
}

/// Formats a duration for people: `10 s`, `0.5 s`, `250 ms`.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(netlesson::show::seconds(Duration::from_secs(5)), "5 s");
/// assert_eq!(netlesson::show::seconds(Duration::from_millis(1500)), "1.5 s");
/// assert_eq!(netlesson::show::seconds(Duration::from_millis(250)), "250 ms");
/// ```
pub fn seconds(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else {
        format!("{} s", duration.as_secs_f64())
    }
}

/// Explains the socket errors a student meets; other errors keep the operating system's words.
///
/// ```
/// use std::io::{Error, ErrorKind};
///
/// let reset = Error::from(ErrorKind::ConnectionReset);
/// assert_eq!(netlesson::show::explain_io(&reset), "connection reset by the peer");
/// let refused = Error::from(ErrorKind::ConnectionRefused);
/// assert_eq!(netlesson::show::explain_io(&refused), "connection refused");
/// // Any other error keeps the system's words, without "(os error N)":
/// let unreachable = Error::from_raw_os_error(101);
/// # #[cfg(target_os = "linux")]
/// assert_eq!(netlesson::show::explain_io(&unreachable), "network is unreachable");
/// ```
pub fn explain_io(error: &io::Error) -> String {
    match error.kind() {
        // SO_RCVTIMEO / SO_SNDTIMEO expiring shows up as EAGAIN ("would block") on Linux.
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => "timed out".into(),
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::ConnectionReset => "connection reset by the peer".into(),
        io::ErrorKind::ConnectionAborted => "connection aborted".into(),
        io::ErrorKind::BrokenPipe => "the peer has closed the connection (broken pipe)".into(),
        io::ErrorKind::UnexpectedEof => "the peer closed the connection too early".into(),
        io::ErrorKind::NotConnected => "the connection is gone (not connected)".into(),
        _ if is_out_of_descriptors(error) => "too many open files (this process has used up \
            its file descriptors, one per connection: `ulimit -n` shows the limit)"
            .into(),
        _ => without_error_number(error),
    }
}

/// Whether `error` is EMFILE or ENFILE: the process (or the whole system) has as many files
/// and sockets open as it may.
fn is_out_of_descriptors(error: &io::Error) -> bool {
    // The numbers are the same on Linux and macOS; std has no stable kind for them yet.
    const ENFILE: i32 = 23;
    const EMFILE: i32 = 24;
    cfg!(unix) && matches!(error.raw_os_error(), Some(ENFILE | EMFILE))
}

/// The operating system's own words, without the error number and starting in lower case,
/// like the rest of a line: "Network is unreachable (os error 101)" becomes
/// "network is unreachable".
fn without_error_number(error: &io::Error) -> String {
    let text = error.to_string();
    let words = match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => &text[..at],
        _ => &text,
    };
    let mut letters = words.chars();
    match letters.next() {
        Some(first) => first.to_lowercase().chain(letters).collect(),
        None => words.to_string(),
    }
}

/// Text made safe to show on someone else's terminal: every control character is replaced by
/// a visible escape (`\r`, `\t`, `\x1b`, `\x00`, `\x7f`, `\u{9b}`), the rest is kept as it is.
///
/// A terminal obeys control characters: `\r` moves back to the start of the line (the text
/// after it overwrites what was shown: `fake\r[alice] hi` looks like a line from alice), ESC
/// starts commands that clear the screen (`\x1b[2J`), set the window's title, or worse on old
/// terminals. Text from one person relayed to another must not carry them.
///
/// ```
/// use netlesson::show::escape_controls;
///
/// assert_eq!(escape_controls("hello, world"), "hello, world"); // nothing to change
/// assert_eq!(escape_controls("fake\r[alice] spoof"), r"fake\r[alice] spoof");
/// assert_eq!(escape_controls("\x1b[2J\0\x7f\t"), r"\x1b[2J\x00\x7f\t");
/// assert_eq!(escape_controls("caf\u{e9} \u{9b}"), r"café \u{9b}");
/// ```
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        match character {
            '\r' => escaped.push_str("\\r"),
            '\n' => escaped.push_str("\\n"),
            '\t' => escaped.push_str("\\t"),
            control if control.is_ascii_control() => {
                escaped.push_str(&format!("\\x{:02x}", u32::from(control)));
            }
            // C1 controls (U+0080 to U+009F): some terminals obey them as they obey ESC.
            control if control.is_control() => {
                escaped.push_str(&format!("\\u{{{:x}}}", u32::from(control)));
            }
            other => escaped.push(other),
        }
    }
    Cow::Owned(escaped)
}
