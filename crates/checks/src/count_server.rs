//! The check of `count-server` (lesson 3): the client sends any bytes and half-closes; the
//! server replies `<N> bytes\n` (always `bytes`, even for 1) and closes. A wrong count is
//! explained: stopped reading too soon, counted characters, more than was sent.

use std::time::Duration;

use crate::Check;
use crate::{Rule, Step};
use contract::lab::{Conn, Failure, Lab, StepResult};
use contract::steps as common;

/// The exercise: its folder is `crates/exercises/count-server/`.
pub const CHECK: Check = Check {
    name: "count-server",
    info: include_str!("../../exercises/count-server/exercise.toml"),
    setup: crate::no_setup,
    steps: STEPS,
    rules: RULES,
};

/// The rules of the starter's header, each with the step and the known-bad programs that
/// prove the check enforces it.
pub const RULES: &[Rule] = &[
    Rule {
        rule: "the client sends any bytes, as many as it likes",
        step: "large",
        known_bad: &["fills-one-buffer"],
    },
    Rule {
        rule: "(none at all is fine)",
        step: "nothing-sent",
        known_bad: &["refuses-an-empty-message"],
    },
    Rule {
        rule: "in as many pieces as it likes",
        step: "bytewise",
        known_bad: &["single-read"],
    },
    Rule {
        rule: "They need not be text: count every byte, whatever it is",
        step: "bytes-not-characters",
        known_bad: &["counts-characters"],
    },
    Rule {
        rule: "They need not be text: count every byte, whatever it is",
        step: "not-utf8",
        known_bad: &["reads-text-only"],
    },
    Rule {
        rule: "then it half-closes. Only then does the server reply",
        step: "silent",
        known_bad: &["takes-a-timeout-for-the-end"],
    },
    Rule {
        rule: "A client that stops sending without half-closing gets no reply",
        step: "silent",
        known_bad: &["takes-a-timeout-for-the-end"],
    },
    Rule {
        rule: "with one line: the number of bytes received, in decimal, a space, `bytes`, and a \
               newline (`\\n`)",
        step: "counts-one-client",
        known_bad: &["forgets-the-newline"],
    },
    Rule {
        rule: "The word is always `bytes`, even for one byte (`1 bytes`)",
        step: "one-byte",
        known_bad: &["says-1-byte"],
    },
    Rule {
        rule: "then the server closes the connection and serves the next client",
        step: "counts-one-client",
        known_bad: &["waits-before-closing"],
    },
    Rule {
        rule: "Nothing a client does may stop the server.",
        step: "resets",
        known_bad: &["unwraps-the-read"],
    },
];

/// The steps, in order.
pub const STEPS: &[Step] = &[
    Step {
        id: "counts-one-client",
        name: "counts one client's bytes: `Hello, world` gets `12 bytes`",
        run: counts_one_client,
    },
    Step {
        id: "one-after-another",
        name: "serves clients one after another",
        run: one_after_another,
    },
    Step {
        id: "bytes-not-characters",
        name: "counts bytes, not characters (`Zoë` is 4 bytes)",
        run: bytes_not_characters,
    },
    Step {
        id: "one-byte",
        name: "one byte gets `1 bytes` (the format never changes)",
        run: one_byte,
    },
    Step {
        id: "nothing-sent",
        name: "a client that half-closes at once gets `0 bytes`",
        run: nothing_sent,
    },
    Step {
        id: "bytewise",
        name: "the message in 1-byte writes",
        run: bytewise,
    },
    Step {
        id: "large",
        name: "a large message (1 MiB) in one write",
        run: large,
    },
    Step {
        id: "not-utf8",
        name: "bytes that are not UTF-8 are counted like any others",
        run: not_utf8,
    },
    Step {
        id: "closes-at-once",
        name: "a client that connects and closes at once",
        run: closes_at_once,
    },
    Step {
        id: "resets",
        name: "a client that resets the connection mid-message",
        run: resets,
    },
    Step {
        id: "silent",
        name: "a client that goes quiet without half-closing gets no reply, and is dropped",
        run: silent,
    },
    Step {
        id: "restarts",
        name: "restarts at once on the same port",
        run: restarts,
    },
];

/// The size of the large message: far more than one read takes, or one buffer holds.
const LARGE: usize = 1 << 20;

/// How the check sends a message.
#[derive(Clone, Copy)]
enum Pace {
    OneWrite,
    Bytewise,
}

fn counts_one_client(lab: &mut Lab) -> StepResult {
    counts(lab, b"Hello, world", Pace::OneWrite)
}

fn served(lab: &mut Lab) -> StepResult {
    counts(lab, b"Hello, world", Pace::OneWrite)
}

fn one_after_another(lab: &mut Lab) -> StepResult {
    for message in ["Grace Hopper", "two lines\nof text\n", "Linus"] {
        counts(lab, message.as_bytes(), Pace::OneWrite)?;
    }
    Ok(())
}

fn bytes_not_characters(lab: &mut Lab) -> StepResult {
    counts(lab, "Zoë".as_bytes(), Pace::OneWrite)
}

fn one_byte(lab: &mut Lab) -> StepResult {
    counts(lab, b"!", Pace::OneWrite)
}

fn nothing_sent(lab: &mut Lab) -> StepResult {
    let port = lab.default_port;
    counts(lab, b"", Pace::OneWrite)
        .map_err(|failure| with_reproduce(failure, format!("nc -N 127.0.0.1 {port} </dev/null")))
}

fn bytewise(lab: &mut Lab) -> StepResult {
    let port = lab.default_port;
    counts(lab, b"Hello, world", Pace::Bytewise).map_err(|failure| {
        // Conn's command shows only what went out before the failure; send it all.
        let command = format!(
            "printf 'Hello, world' | nc -N 127.0.0.1 {port}    (nc sends it in one piece; to \
             cut it into bytes, start wiretap in a third terminal: cargo run -q --bin wiretap \
             -- tcp --listen 127.0.0.1:9000 --to 127.0.0.1:{port} --chunk 1, and send to port \
             9000 instead)"
        );
        with_reproduce(failure, command)
    })
}

fn large(lab: &mut Lab) -> StepResult {
    let port = lab.default_port;
    counts(lab, &vec![b'x'; LARGE], Pace::OneWrite).map_err(|failure| {
        let command = format!("head -c {LARGE} /dev/zero | tr '\\0' x | nc -N 127.0.0.1 {port}");
        with_reproduce(failure, command)
    })
}

fn not_utf8(lab: &mut Lab) -> StepResult {
    counts(lab, &[0xff, 0xfe, 0x00, 0x80, b'\n'], Pace::OneWrite)
}

fn closes_at_once(lab: &mut Lab) -> StepResult {
    common::closes_at_once(lab, served)
}

fn resets(lab: &mut Lab) -> StepResult {
    common::resets(lab, b"Hello", served)
}

/// A client sends `Hello` and goes quiet without half-closing: it has not finished, so it
/// gets no count; the server drops it after --idle-timeout (the checker gives 1 s), and the
/// next client, already waiting, is served.
fn silent(lab: &mut Lab) -> StepResult {
    let mut quiet = lab.connect()?;
    quiet.send(b"Hello")?;
    served(lab).map_err(|failure| Failure {
        problem: format!(
            "While a client that had sent `Hello` and gone quiet was connected, the next client \
             was not served: a server must drop a client that sends nothing for --idle-timeout \
             seconds (the checker gives 1) and go on.\n{}",
            failure.problem
        ),
        ..failure
    })?;
    if !quiet.closes_within(Duration::from_secs(2)) {
        return Err(quiet.failure(
            "the server never closed the connection of the client that went quiet".into(),
        ));
    }
    if !quiet.received().is_empty() {
        return Err(quiet.mismatch(
            0,
            b"",
            "no reply: nothing, then the connection closed after --idle-timeout",
            "the client sent `Hello` and went quiet without half-closing, and the server \
             replied a count. Only the half-close (a read of 0 bytes) ends the message: a read \
             that timed out means the client is gone quiet, so drop it without a reply (return \
             the read's error)",
        ));
    }
    Ok(())
}

fn restarts(lab: &mut Lab) -> StepResult {
    common::restarts_at_once(lab, served)
}

/// One client sends `data` and half-closes; it must get exactly `<N> bytes\n`, then the close.
fn counts(lab: &mut Lab, data: &[u8], pace: Pace) -> StepResult {
    let mut conn = lab.connect()?;
    let expected = format!("{} bytes\n", data.len());
    let sent = match pace {
        Pace::OneWrite => conn.send(data),
        Pace::Bytewise => conn.send_bytewise(data),
    };
    if let Err(failure) = sent {
        return Err(closed_early(&mut conn, expected.as_bytes(), data, failure));
    }
    conn.half_close()?;
    conn.expect_then_close(expected.as_bytes())
        .map_err(|failure| explained(failure, &conn, data))
}

/// The client could not send everything: the server closed while it was still sending. Shows
/// what the server had replied by then.
fn closed_early(conn: &mut Conn, expected: &[u8], data: &[u8], send_failure: Failure) -> Failure {
    let Err(failure) = conn.expect(expected) else {
        return send_failure;
    };
    let why = "The server closed the connection while the client was still sending: it must \
               keep reading until the client half-closes (a read returns 0 bytes), and reply \
               only then.";
    let more = explain(conn, data).unwrap_or_default();
    Failure {
        problem: format!("{why}\n{more}").trim_end().to_string(),
        ..failure
    }
}

/// `failure`, with what the reply on `conn` tells about the server's mistake.
fn explained(failure: Failure, conn: &Conn, data: &[u8]) -> Failure {
    match explain(conn, data) {
        Some(why) => Failure {
            problem: format!("{}.\n{why}", failure.problem),
            ..failure
        },
        None => failure,
    }
}

/// What the wrong reply on `conn` to `data` tells about the server's mistake, in words.
fn explain(conn: &Conn, data: &[u8]) -> Option<String> {
    let reply = conn.received();
    // A reset or a crash is reported as such; only a clean close without a reply is explained.
    if reply.is_empty() && !conn.closed() {
        return None;
    }
    explain_reply(reply, data)
}

/// What a wrong `reply` to `data` tells about the server's mistake, in words.
fn explain_reply(reply: &[u8], data: &[u8]) -> Option<String> {
    if reply.is_empty() {
        return Some(match std::str::from_utf8(data) {
            Err(_) => "No reply to bytes that are not UTF-8. A count-server counts bytes and \
                       never turns them into text: read into a byte buffer with `read`, not \
                       into a String (`read_to_string` fails on such bytes)."
                .to_string(),
            Ok(_) => "No reply. After the client's half-close (a read returns 0 bytes), reply \
                      `<N> bytes\\n`, then close."
                .to_string(),
        });
    }
    let text = String::from_utf8_lossy(reply);
    let line = text.strip_suffix('\n');
    let (number, word) = line.unwrap_or(&text).split_once(' ')?;
    let count: usize = number.parse().ok()?;
    let mut notes = Vec::new();
    if line.is_none() {
        notes.push("The reply line must end with a newline: `12 bytes\\n`.".to_string());
    }
    if word == "byte" {
        notes.push(
            "The protocol says `bytes` whatever the number, `1 bytes` too: a program reading \
             the reply should not need to know English plurals (see the top of your file)."
                .to_string(),
        );
    } else if word != "bytes" {
        notes.push(format!(
            "The word after the number is `bytes`, exactly, not `{word}`."
        ));
    }
    notes.extend(wrong_count(count, data));
    (!notes.is_empty()).then(|| notes.join("\n"))
}

/// Why the server may have counted `count` for `data`, if that is not its length.
fn wrong_count(count: usize, data: &[u8]) -> Option<String> {
    let sent = data.len();
    let characters = std::str::from_utf8(data).map(|text| text.chars().count());
    if count == sent {
        None
    } else if characters == Ok(count) {
        Some(format!(
            "The server counted characters ({count}), not bytes ({sent}): `ë` is one character \
             but two bytes in UTF-8. Count what each `read` returns, and never turn the bytes \
             into text."
        ))
    } else if count < sent {
        Some(format!(
            "The server counted {count} of the {sent} bytes sent: it stopped reading too soon. \
             A read returns what has arrived so far, any part of the message, and a buffer \
             holds only so much; keep reading until a read returns 0 (the client has \
             half-closed)."
        ))
    } else {
        Some(format!(
            "The server counted {count} bytes, more than the {sent} sent: add up what each \
             `read` returned, not the size of the buffer."
        ))
    }
}

fn with_reproduce(failure: Failure, command: String) -> Failure {
    Failure {
        reproduce: vec![command],
        ..failure
    }
}

#[cfg(test)]
mod tests {
    use super::explain_reply;

    #[test]
    fn each_usual_mistake_is_named() {
        let said = |reply: &[u8], data: &[u8]| explain_reply(reply, data).unwrap_or_default();
        assert_eq!(explain_reply(b"12 bytes\n", b"Hello, world"), None);
        assert!(said(b"12 bytes", b"Hello, world").contains("newline"));
        assert!(said(b"1 byte\n", b"!").contains("`1 bytes` too"));
        assert!(said("3 bytes\n".as_bytes(), "Zoë".as_bytes()).contains("characters (3)"));
        assert!(said(b"1 bytes\n", b"Hello, world").contains("1 of the 12"));
        assert!(said(b"1024 bytes\n", b"Hello, world").contains("more than the 12"));
        assert!(said(b"", &[0xff]).contains("not UTF-8"));
    }
}
