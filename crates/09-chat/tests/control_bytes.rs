//! Terminal injection: a member's line reaches every other member's terminal, which obeys the
//! control characters in it. chat-server relays the text with each control character escaped
//! (`\r` as the two characters `\` `r`), so what arrives is exactly what was typed, shown.

use super::*;

/// Alice and mallory in the room; mallory sends `sent` (bytes, then `\n`); alice must receive
/// exactly `expected`, then `\n`.
fn alice_sees(sent: &[u8], expected: &[u8]) {
    testkit::chat::alice_sees(server(), sent, expected);
}

// ANCHOR: attack
#[test]
fn a_carriage_return_cannot_fake_a_line_from_another_member() {
    // Raw, a terminal would go back to the start of the line and show "[alice] spoof".
    alice_sees(b"fake\r[alice] spoof", br"[mallory] fake\r[alice] spoof");
}

#[test]
fn escape_sequences_that_clear_the_screen_or_set_the_title_arrive_escaped() {
    alice_sees(b"\x1b[2J", br"[mallory] \x1b[2J");
    alice_sees(b"\x1b]0;pwned\x07", br"[mallory] \x1b]0;pwned\x07");
}
// ANCHOR_END: attack

#[test]
fn nul_del_tab_and_c1_controls_arrive_escaped_and_other_text_unchanged() {
    alice_sees(b"a\x00b\x7fc\td", br"[mallory] a\x00b\x7fc\td");
    // U+009B, a one-character ESC [ on some terminals, and text that is not ASCII.
    alice_sees(
        "\u{9b}2J café".as_bytes(),
        r"[mallory] \u{9b}2J café".as_bytes(),
    );
}
