//! The check of `command-server` (lesson 4): one reply line per request line (`UPPER`,
//! `REVERSE`, `QUIT`, `ERR ...`), lines cut or merged any way, a limit of 1024 bytes a line.
//!
//! Lesson 8's servers speak the same protocol (with threads, and more commands): their checks
//! reuse these steps and helpers ([`ask`], [`served`], the `pub fn` steps) and add their own.

use crate::Check;
use crate::{Rule, Step};
use contract::lab::{Conn, Failure, Lab, StepResult, show_text_and_bytes};
use contract::steps as common;

/// The longest request line, in bytes, without its `\n` or `\r\n`.
pub const MAX_LINE: usize = 1024;

/// The exercise: its folder is `crates/exercises/command-server/`.
pub const CHECK: Check = Check {
    name: "command-server",
    info: include_str!("../../exercises/command-server/exercise.toml"),
    setup: crate::no_setup,
    steps: STEPS,
    rules: RULES,
};

/// The rules of the starter's header, each with the step and the known-bad programs that
/// prove the check enforces it.
pub const RULES: &[Rule] = &[
    Rule {
        rule: "Every line ends with `\\n`",
        step: "bytewise",
        known_bad: &["one-read-is-one-line"],
    },
    Rule {
        rule: "for each line the server sends back one reply line",
        step: "several-in-one-write",
        known_bad: &["drops-the-rest-of-the-read"],
    },
    Rule {
        rule: "a `\\r` just before the `\\n` (as `nc -C`, telnet and Windows send) is not part of \
               the line",
        step: "carriage-return",
        known_bad: &["keeps-the-carriage-return"],
    },
    Rule {
        rule: "Replies end with `\\n` alone.",
        step: "answers-the-commands",
        known_bad: &["replies-with-crlf"],
    },
    Rule {
        rule: "the text in capital letters, as Rust's `to_uppercase` makes",
        step: "answers-the-commands",
        known_bad: &["ascii-uppercase"],
    },
    Rule {
        rule: "the text's characters in reverse order",
        step: "answers-the-commands",
        known_bad: &["reverses-bytes"],
    },
    Rule {
        rule: "`BYE`, then the server closes the connection",
        step: "answers-the-commands",
        known_bad: &["stays-open-after-quit"],
    },
    Rule {
        rule: "The command is the line up to its first space, exactly as written (`upper` is \
               unknown)",
        step: "unknown-commands",
        known_bad: &["ignores-case", "splits-at-any-whitespace"],
    },
    Rule {
        rule: "Only the exact line `QUIT` quits: `QUIT now` is an unknown command",
        step: "unknown-commands",
        known_bad: &["quits-on-quit-and-more"],
    },
    Rule {
        rule: "the text is everything after that first space, spaces included",
        step: "empty-text",
        known_bad: &["trims-the-text"],
    },
    Rule {
        rule: "With no text (`UPPER`, or `UPPER ` with its space) the reply is an empty line.",
        step: "empty-text",
        known_bad: &["needs-a-space"],
    },
    Rule {
        rule: "`ERR not UTF-8`, and the session goes on",
        step: "not-utf8",
        known_bad: &["closes-after-not-utf8"],
    },
    Rule {
        rule: "Nothing a client does may stop the server.",
        step: "not-utf8",
        known_bad: &["panics-on-non-utf8"],
    },
    Rule {
        rule: "`ERR line too long`, then the server closes the connection",
        step: "line-limit",
        known_bad: &["stays-open-after-a-long-line"],
    },
    Rule {
        rule: "The limit counts the bytes of the line without its `\\n` (or `\\r\\n`): 1024 are \
               fine, 1025 are too long.",
        step: "line-limit",
        known_bad: &["limit-off-by-one", "limit-counts-the-carriage-return"],
    },
    Rule {
        rule: "Do not wait for the `\\n` of a line that is already too long",
        step: "endless-line",
        known_bad: &["checks-length-after-newline"],
    },
    Rule {
        rule: "Bytes after its last `\\n` are not a line: they get no reply.",
        step: "client-closes",
        known_bad: &["replies-to-an-unfinished-line"],
    },
];

/// The steps, in order.
pub const STEPS: &[Step] = &[
    Step {
        id: "answers-the-commands",
        name: "answers UPPER, REVERSE and QUIT",
        run: answers_the_commands,
    },
    Step {
        id: "empty-text",
        name: "UPPER and REVERSE without text reply an empty line",
        run: empty_text,
    },
    Step {
        id: "unknown-commands",
        name: "anything else gets ERR unknown command",
        run: unknown_commands,
    },
    Step {
        id: "carriage-return",
        name: "a \\r before the \\n is not part of the line",
        run: carriage_return,
    },
    Step {
        id: "one-after-another",
        name: "serves clients one after another",
        run: one_after_another,
    },
    Step {
        id: "bytewise",
        name: "requests sent one byte per write",
        run: bytewise,
    },
    Step {
        id: "several-in-one-write",
        name: "several requests in one write",
        run: several_in_one_write,
    },
    Step {
        id: "client-closes",
        name: "a client that closes: replies to its whole lines, then closes",
        run: client_closes,
    },
    Step {
        id: "not-utf8",
        name: "a line that is not UTF-8 gets ERR not UTF-8, and the session goes on",
        run: not_utf8,
    },
    Step {
        id: "line-limit",
        name: "a line of 1024 bytes is answered, one of 1025 gets ERR line too long",
        run: line_limit,
    },
    Step {
        id: "endless-line",
        name: "a line is refused as soon as it is too long, before its \\n comes",
        run: endless_line,
    },
    Step {
        id: "closes-at-once",
        name: "a client that connects and closes without sending",
        run: closes_at_once,
    },
    Step {
        id: "resets",
        name: "a client that resets the connection in the middle of a line",
        run: resets,
    },
    Step {
        id: "silent",
        name: "a silent client is dropped after --idle-timeout",
        run: silent,
    },
    Step {
        id: "restarts",
        name: "restarts at once on the same port",
        run: restarts,
    },
];

/// Sends `request` and its `\n` in one write, and expects `reply` and its `\n` back.
pub fn ask(conn: &mut Conn, request: &str, reply: &str) -> StepResult {
    send_line(conn, request)?;
    expect_line(conn, reply)
}

/// Sends `line` and its `\n` in one write.
pub fn send_line(conn: &mut Conn, line: &str) -> StepResult {
    conn.send(format!("{line}\n").as_bytes())
}

/// Expects the reply line `reply` and its `\n`; a wrong one is explained where a common
/// mistake explains it.
pub fn expect_line(conn: &mut Conn, reply: &str) -> StepResult {
    conn.expect(format!("{reply}\n").as_bytes())
        .map_err(|failure| explain_reply(failure, conn.unchecked(), reply))
}

/// Adds what a wrong reply most likely means.
fn explain_reply(failure: Failure, got: &[u8], reply: &str) -> Failure {
    let got = String::from_utf8_lossy(got);
    if got.contains('\r') && !reply.contains('\r') {
        return failure.with_note(
            "The reply has a \\r: a \\r just before the \\n belongs to the line ending, not to \
             the request (drop it with the \\n), and replies end with \\n alone.",
        );
    }
    if *got == *reply {
        return failure.with_note("The reply is right, but a reply line must end with \\n.");
    }
    if reply.contains("SS") && got.contains('ß') {
        return failure.with_note(
            "`ß` stayed as it is: to_ascii_uppercase only knows the 26 letters of ASCII. \
             `to_uppercase` knows every alphabet (lesson 4, \"The uppercase server\").",
        );
    }
    failure
}

/// One well-behaved client: a request, then `QUIT`, and the close.
pub fn served(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    ask(&mut conn, "UPPER served", "SERVED")?;
    quit(&mut conn)
}

/// Sends `QUIT`: the server must reply `BYE` and close the connection.
pub fn quit(conn: &mut Conn) -> StepResult {
    send_line(conn, "QUIT")?;
    conn.expect_then_close(b"BYE\n").map_err(|failure| {
        failure.with_note("After `QUIT`, the server replies `BYE` and closes the connection.")
    })
}

/// The happy path, one request at a time.
pub fn answers_the_commands(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    ask(&mut conn, "UPPER hello, straße!", "HELLO, STRASSE!")?;
    ask(&mut conn, "REVERSE stressed", "desserts")?;
    ask(&mut conn, "REVERSE Zoë", "ëoZ")?;
    quit(&mut conn)
}

/// `UPPER` and `REVERSE` with nothing after the command, or an empty text after the space.
pub fn empty_text(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    for request in ["UPPER ", "UPPER", "REVERSE ", "REVERSE"] {
        ask(&mut conn, request, "").map_err(|failure| {
            failure.with_note(
                "With no text after the command (or none at all after `UPPER` or `REVERSE`), \
                 the text is empty, and so is the reply: just \\n.",
            )
        })?;
    }
    ask(&mut conn, "UPPER two  spaces ", "TWO  SPACES ")?;
    quit(&mut conn)
}

/// Unknown commands, lower case, an empty line and `QUIT` with more after it.
pub fn unknown_commands(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    for request in ["HELLO", "upper hi", "", "QUIT now", "UPPERhi", "UPPER\thi"] {
        ask(&mut conn, request, "ERR unknown command").map_err(|failure| {
            failure.with_note(
                "The command is the line up to its first space (not a tab), exactly as \
                 written: only `UPPER`, `REVERSE` and the exact line `QUIT` are commands.",
            )
        })?;
    }
    ask(&mut conn, "UPPER still here", "STILL HERE")?;
    quit(&mut conn)
}

/// Lines ending in `\r\n`, as `nc -C`, telnet and Windows send them.
pub fn carriage_return(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    for (request, reply) in [("UPPER hi", "HI"), ("REVERSE ab", "ba")] {
        conn.send(format!("{request}\r\n").as_bytes())?;
        expect_line(&mut conn, reply)?;
    }
    conn.send(b"QUIT\r\n")?;
    conn.expect_then_close(b"BYE\n")
}

/// Three clients: the first quits, the second just closes, the third quits.
pub fn one_after_another(lab: &mut Lab) -> StepResult {
    let mut first = lab.connect()?;
    ask(&mut first, "UPPER one", "ONE")?;
    quit(&mut first)?;
    let mut second = lab.connect()?;
    ask(&mut second, "REVERSE two", "owt")?;
    drop(second);
    let mut third = lab.connect()?;
    ask(&mut third, "UPPER three", "THREE").map_err(|failure| {
        failure.with_note(
            "The client before this one closed the connection without QUIT: that ends its \
             session too (a receive returns 0 bytes), and the server goes on to the next.",
        )
    })?;
    quit(&mut third)
}

/// Each request in 1-byte writes: a line (and a character) may arrive cut anywhere.
pub fn bytewise(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    let note = "A receive returns what has arrived so far, which may be part of a line: receive \
                until the `\\n` (lesson 4, \"The student ID client\").";
    for (request, reply) in [("UPPER bytewise", "BYTEWISE"), ("REVERSE straße", "eßarts")] {
        conn.send_bytewise(format!("{request}\n").as_bytes())?;
        expect_line(&mut conn, reply).map_err(|failure| failure.with_note(note))?;
    }
    quit(&mut conn)
}

/// Several lines in one write: one receive may bring more than one line.
pub fn several_in_one_write(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(b"UPPER a\nREVERSE abc\n\nUPPER b\r\nQUIT\n")?;
    conn.expect_then_close(b"A\ncba\nERR unknown command\nB\nBYE\n")
        .map_err(|failure| {
            failure.with_note(
                "One receive can bring several lines: answer each of them, in order. The bytes \
                 after a line's `\\n` are the start of the next line: keep them.",
            )
        })
}

/// The client sends two lines and part of a third, then closes its sending side.
pub fn client_closes(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(b"UPPER last words\nREVERSE abc\nUPPER no newline")?;
    conn.half_close()?;
    conn.expect_then_close(b"LAST WORDS\ncba\n")
        .map_err(|failure| {
            failure.with_note(
                "When the client closes, the server answers every whole line it sent, then \
                 closes too. The bytes after the last `\\n` are not a line: no reply to them.",
            )
        })
}

/// A line that is not UTF-8 is still a whole line: answered with an error, and the session
/// goes on.
pub fn not_utf8(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    let note = "A line that is not UTF-8 is still a whole line: reply `ERR not UTF-8` and go on \
                with the next line (`std::str::from_utf8` says whether it is text).";
    let request = b"UPPER \xff\xfe\n";
    conn.send(request)?;
    expect_line(&mut conn, "ERR not UTF-8").map_err(|mut failure| {
        // Shown as text with two escapes, not as the hex of the whole line.
        failure.sent = Some(format!("{} (in one write)", show_text_and_bytes(request)));
        failure.with_note(note)
    })?;
    ask(&mut conn, "REVERSE still here", "ereh llits")?;
    quit(&mut conn)
}

/// The limit, at its edge: 1024 bytes (with `\n` or `\r\n`) are fine, 1025 are not.
pub fn line_limit(lab: &mut Lab) -> StepResult {
    let port = lab.default_port;
    let mut conn = lab.connect()?;
    let text = "x".repeat(MAX_LINE - "UPPER ".len());
    ask(&mut conn, &format!("UPPER {text}"), &text.to_uppercase()).map_err(|failure| {
        reproduce_long_line(failure, port, "UPPER ", MAX_LINE - 6, "\\n")
            .with_note("A line of exactly 1024 bytes (without its \\n) is allowed.")
    })?;
    let text = "ab".repeat((MAX_LINE - "REVERSE ".len()) / 2);
    conn.send(format!("REVERSE {text}\r\n").as_bytes())?;
    let reversed: String = text.chars().rev().collect();
    expect_line(&mut conn, &reversed).map_err(|failure| {
        failure.with_note(
            "A line of 1024 bytes followed by \\r\\n is allowed: the limit counts the line \
             without its \\r\\n.",
        )
    })?;
    quit(&mut conn)?;

    let mut conn = lab.connect()?;
    let text = "x".repeat(MAX_LINE + 1 - "UPPER ".len());
    send_line(&mut conn, &format!("UPPER {text}"))?;
    conn.expect_then_close(b"ERR line too long\n")
        .map_err(|failure| {
            reproduce_long_line(failure, port, "UPPER ", MAX_LINE + 1 - 6, "\\n").with_note(
                "A line of 1025 bytes (without its \\n) is too long: reply `ERR line too long` \
                 and close the connection.",
            )
        })
}

/// 1025 bytes and a `\r` without a `\n`: no line ending can make that a line we accept, so the
/// server must refuse it now, not wait (for ever, or until gigabytes have come) for the `\n`.
pub fn endless_line(lab: &mut Lab) -> StepResult {
    let port = lab.default_port;
    let mut conn = lab.connect()?;
    let count = MAX_LINE + 2;
    conn.send("x".repeat(count).as_bytes())?;
    conn.expect_then_close(b"ERR line too long\n")
        .map_err(|failure| {
            reproduce_long_line(failure, port, "", count, "").with_note(
                "The checker sent 1026 bytes without a \\n, and waited. Once a line holds more \
                 than 1025 bytes (1024 and a \\r) with no \\n, it is too long, whatever comes \
                 next: reply `ERR line too long` and close at once. A server that waits for the \
                 \\n stores whatever a client sends (gigabytes, without a newline).",
            )
        })
}

/// A client that connects and closes at once.
pub fn closes_at_once(lab: &mut Lab) -> StepResult {
    common::closes_at_once(lab, served)
}

/// A client that resets the connection after half a line.
pub fn resets(lab: &mut Lab) -> StepResult {
    common::resets(lab, b"UPPER half a li", served)
}

/// A client that sends nothing is dropped after --idle-timeout.
pub fn silent(lab: &mut Lab) -> StepResult {
    common::silent_client_dropped(lab, served)
}

/// A restart on the same port, right after serving a client.
pub fn restarts(lab: &mut Lab) -> StepResult {
    common::restarts_at_once(lab, served)
}

/// Replaces the `nc` line of `failure`, which would spell out a thousand letters, with one that
/// makes them: `prefix`, then `count` times `x`, then `end`.
fn reproduce_long_line(
    mut failure: Failure,
    port: u16,
    prefix: &str,
    count: usize,
    end: &str,
) -> Failure {
    failure.reproduce = vec![format!(
        "printf '{prefix}%s{end}' \"$(head -c {count} /dev/zero | tr '\\0' x)\" | nc 127.0.0.1 \
         {port}"
    )];
    failure
}
