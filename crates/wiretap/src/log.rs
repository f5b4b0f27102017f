//! The log: what wiretap prints on stdout, one line per piece or datagram it forwards and one
//! per event (open, end, reset, dropped, ...).
//!
//! Every line about a connection (TCP) or a client (UDP) starts with its number, `#1`, and a
//! line about bytes going one way says which way and when, counted from the moment the
//! connection opened (or the client's first datagram arrived):
//!
//! ```text
//! #1 client->server +0.8ms 5 bytes "Hello"
//! ```
//!
//! The time always has the form `+<milliseconds>ms` with one decimal, so that a script can
//! parse it and the course's lesson checker can hide it (it changes from run to run).
//! Each line is flushed at once, so that a test or a person watching sees it as it happens.
//! Logging never holds up forwarding: when nobody reads the log for a while, lines are dropped
//! and counted; when nobody reads it any more (`wiretap ... | head -1`), wiretap says so once
//! on stderr and goes on forwarding without it.

use std::fmt::Write as _;
use std::time::Instant;

use netlesson::show::count;
use netlesson::show::show_bytes;

/// How many bytes of each piece a hexdump shows (the text form, `show_bytes`, shows as many).
const SHOWN_BYTES: usize = 64;

/// Prints `text` (one line, or several for a hexdump) on stdout.
///
/// It goes through netlesson's log (`netlesson::log!`): the lines are queued for one writer
/// thread, so they never land in the middle of another connection's lines, and forwarding
/// never waits for whoever reads the log. When nobody reads it (a paused `less`, a full pipe),
/// lines are dropped and counted, and wiretap says how many once the reader catches up; when
/// nobody can read it any more (`| head -1`), wiretap says so once on stderr. The bytes keep
/// flowing either way.
pub fn line(text: &str) {
    netlesson::log!("{text}");
}

/// The time since `start`, as the log shows it: `+0.8ms`, `+1520.3ms`.
pub fn since(start: Instant) -> String {
    format!("+{:.1}ms", start.elapsed().as_secs_f64() * 1000.0)
}

/// How many bytes of each piece `--lines` shows.
const SHOWN_LINES_BYTES: usize = 4096;

/// How the log shows the bytes of a piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// On the line, as escaped text (or hex pairs), at most 64 bytes: the default.
    Escaped,
    /// A hexdump below the line (`--hex`).
    Hex,
    /// Text below the line, one row per line of text (`--lines`).
    Lines,
}

/// A piece of data as the log shows it: `5 bytes "Hello"` (escaped text, or hex pairs when
/// the bytes are not UTF-8); with `View::Hex`, `5 bytes` followed by hexdump rows; with
/// `View::Lines`, `5 bytes` followed by the text, one row per line (or the hexdump, when the
/// piece does not start with text).
pub fn show(data: &[u8], view: View) -> String {
    let size = count(data.len(), "byte");
    let rows = match view {
        View::Escaped => return format!("{size} {}", show_bytes(data)),
        View::Hex => hexdump(data),
        View::Lines => text_lines(data).unwrap_or_else(|| hexdump(data)),
    };
    let mut text = size;
    for row in rows {
        text.push('\n');
        text.push_str(&row);
    }
    text
}

/// The rows `--lines` shows: the text of `data` cut after each `\n`, one row per line,
/// indented by four spaces, with `\r`, `\n`, tabs and other control characters escaped so that
/// every byte is visible. At most 4096 bytes are shown; what follows (or what is not UTF-8
/// text, such as a picture after an HTTP head) is counted on a last row. `None` when the piece
/// does not start with text.
///
/// ```text
///     GET / HTTP/1.1\r\n
///     Host: 127.0.0.1:8000\r\n
///     \r\n
/// ```
pub fn text_lines(data: &[u8]) -> Option<Vec<String>> {
    let shown = &data[..data.len().min(SHOWN_LINES_BYTES)];
    let text = match std::str::from_utf8(shown) {
        Ok(text) => text,
        // The text before the first byte that is not UTF-8 (or a character cut at the limit).
        Err(error) => std::str::from_utf8(&shown[..error.valid_up_to()]).unwrap_or_default(),
    };
    if text.is_empty() {
        return None;
    }
    let mut rows: Vec<String> = text
        .split_inclusive('\n')
        .map(|line| format!("    {}", escape_controls(line)))
        .collect();
    let more = data.len() - text.len();
    if more > 0 {
        let noun = if more == 1 { "byte" } else { "bytes" };
        // The text stopped before the limit: what follows is not UTF-8 text.
        let kind = if text.len() < shown.len() {
            ", not text"
        } else {
            ""
        };
        rows.push(format!("    ... ({more} more {noun}{kind})"));
    }
    Some(rows)
}

/// `line` with its control characters written as escapes (`\r`, `\n`, `\t`, `\u{1b}`), and
/// everything else as it is.
fn escape_controls(line: &str) -> String {
    line.chars()
        .map(|character| match character {
            '\r' => "\\r".to_string(),
            '\n' => "\\n".to_string(),
            '\t' => "\\t".to_string(),
            control if control.is_control() => control.escape_unicode().to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// The rows of a hexdump in the style of `hexdump -C`, indented by four spaces: the offset,
/// 16 bytes in hex, and the same bytes as text (`.` for anything that is not printable
/// ASCII). At most 64 bytes are shown; a last row says how many more there were.
///
/// ```text
///     0000  48 65 6c 6c 6f 20 53 65  72 76 65 72 21           |Hello Server!|
/// ```
pub fn hexdump(data: &[u8]) -> Vec<String> {
    let shown = &data[..data.len().min(SHOWN_BYTES)];
    let mut rows: Vec<String> = shown
        .chunks(16)
        .enumerate()
        .map(|(index, row)| {
            let mut hex = String::new();
            for column in 0..16 {
                if column == 8 {
                    hex.push(' ');
                }
                match row.get(column) {
                    Some(byte) => {
                        let _ = write!(hex, "{byte:02x} ");
                    }
                    None => hex.push_str("   "),
                }
            }
            let text: String = row
                .iter()
                .map(|&byte| match byte {
                    b' '..=b'~' => byte as char,
                    _ => '.',
                })
                .collect();
            format!("    {:04x}  {hex} |{text}|", index * 16)
        })
        .collect();
    if data.len() > shown.len() {
        let more = data.len() - shown.len();
        let noun = if more == 1 { "byte" } else { "bytes" };
        rows.push(format!("    ... ({more} more {noun})"));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_binary_is_hex() {
        assert_eq!(show(b"Hello\n", View::Escaped), r#"6 bytes "Hello\n""#);
        assert_eq!(show(b"H", View::Escaped), r#"1 byte "H""#);
        assert_eq!(show(&[0xff, 0x00], View::Escaped), "2 bytes ff 00");
    }

    #[test]
    fn lines_show_each_line_of_text_with_its_ending_and_count_what_is_not_text() {
        assert_eq!(
            show(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", View::Lines),
            "27 bytes\n    GET / HTTP/1.1\\r\\n\n    Host: x\\r\\n\n    \\r\\n"
        );
        assert_eq!(
            show(b"ok\r\n\r\n\x89PNG\x00\x01", View::Lines),
            "12 bytes\n    ok\\r\\n\n    \\r\\n\n    ... (6 more bytes, not text)"
        );
        assert_eq!(
            show(b"tab\there\x1b", View::Lines),
            "9 bytes\n    tab\\there\\u{1b}"
        );
        // Not text from the first byte: a hexdump.
        assert_eq!(
            show(&[0xff], View::Lines),
            "1 byte\n    0000  ff                                                |.|"
        );
        let long = vec![b'a'; 5000];
        assert_eq!(
            text_lines(&long).expect("text").last().map(String::as_str),
            Some("    ... (904 more bytes)")
        );
    }

    #[test]
    fn hexdump_has_offset_hex_and_text_columns() {
        assert_eq!(
            show(b"Hello Server!", View::Hex),
            "13 bytes\n    0000  48 65 6c 6c 6f 20 53 65  72 76 65 72 21           |Hello Server!|"
        );
        let rows = hexdump(&[0u8; 70]);
        assert_eq!(rows.len(), 5);
        assert_eq!(
            rows[1],
            "    0010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|"
        );
        assert_eq!(rows[4], "    ... (6 more bytes)");
    }

    #[test]
    fn times_are_milliseconds_with_one_decimal() {
        let shown = since(Instant::now());
        assert!(shown.starts_with("+0.") && shown.ends_with("ms"), "{shown}");
    }
}
