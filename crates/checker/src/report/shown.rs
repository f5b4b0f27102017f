//! What a program printed, made safe to show: whatever bytes a student's program prints, a
//! report shows them as text that cannot clear the terminal, hide a line, or make an XML file
//! invalid, and a line of 50 MB is cut to a few hundred characters with a note.
//!
//! Shown escaped: control characters (`\e` for ESC, so an ANSI escape reads `\e[2J`; `\r`;
//! others as `\x07` or `\u{85}`), Unicode noncharacters (U+FFFE, U+FFFF, U+FDD0 to U+FDEF, and
//! the last two of every plane: not allowed in XML, so one student's output could break a
//! whole class's JUnit file) and the bidirectional controls that can make text read in
//! another order than it is. Tabs stay tabs; every other character is shown as it is.

use std::fmt::Write as _;

/// How many characters of one line a report shows.
pub const LINE_LIMIT: usize = checks::REPORT_LINE_LIMIT;

/// `line` made safe to show, and cut after [`LINE_LIMIT`] characters with a note that says
/// how long it was.
pub fn line(line: &str) -> String {
    let total = line.chars().count();
    if total <= LINE_LIMIT {
        return escape(line);
    }
    let head: String = line.chars().take(LINE_LIMIT).collect();
    format!("{} ... (cut: {total} characters in all)", escape(&head))
}

/// `text` with every line made safe to show ([`line()`]); newlines stay.
pub fn text(text: &str) -> String {
    text.split('\n').map(line).collect::<Vec<_>>().join("\n")
}

/// `text` with the characters listed in the module's documentation escaped.
pub fn escape(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' | '\n' => shown.push(c),
            '\u{1b}' => shown.push_str("\\e"),
            '\r' => shown.push_str("\\r"),
            c if c.is_control() && u32::from(c) < 0x80 => {
                let _ = write!(shown, "\\x{:02x}", u32::from(c));
            }
            c if c.is_control() || is_noncharacter(c) || is_bidi_control(c) => {
                let _ = write!(shown, "\\u{{{:x}}}", u32::from(c));
            }
            c => shown.push(c),
        }
    }
    shown
}

/// U+FDD0 to U+FDEF, and U+xFFFE and U+xFFFF of every plane.
fn is_noncharacter(c: char) -> bool {
    let code = u32::from(c);
    (0xfdd0..=0xfdef).contains(&code) || code & 0xfffe == 0xfffe
}

/// The characters that change the direction text is shown in.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::{LINE_LIMIT, escape, line};

    #[test]
    fn ansi_escapes_and_control_characters_are_shown_escaped() {
        assert_eq!(escape("\u{1b}[2Jgone\r\u{7}"), "\\e[2Jgone\\r\\x07");
        assert_eq!(escape("a\u{0}b\u{7f}c\u{85}"), "a\\x00b\\x7fc\\u{85}");
    }

    #[test]
    fn noncharacters_and_bidi_controls_are_shown_escaped() {
        assert_eq!(
            escape("\u{fffe}\u{ffff}\u{fdd0}"),
            "\\u{fffe}\\u{ffff}\\u{fdd0}"
        );
        assert_eq!(escape("\u{10ffff}"), "\\u{10ffff}");
        assert_eq!(escape("abc\u{202e}def"), "abc\\u{202e}def");
    }

    #[test]
    fn ordinary_text_is_shown_as_it_is() {
        let text = "Hello, Zoë! ✓ 名前\tand a tab";
        assert_eq!(escape(text), text);
    }

    #[test]
    fn a_long_line_is_cut_with_a_note_of_its_length() {
        let long = "x".repeat(50_000);
        let shown = line(&long);
        assert!(shown.starts_with(&"x".repeat(LINE_LIMIT)));
        assert!(
            shown.ends_with(" ... (cut: 50000 characters in all)"),
            "{shown}"
        );
        assert_eq!(line("short"), "short");
    }
}
