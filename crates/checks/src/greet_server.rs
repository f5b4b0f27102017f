//! The check of `greet-server` (lesson 1): one receive is the message; the reply is
//! `Hello, <message>!`, then the server closes; bytes that are not UTF-8 get no reply.

use crate::Check;
use crate::{Rule, Step};
use contract::lab::{Lab, StepResult};
use contract::steps as common;

/// The exercise: its folder is `crates/exercises/greet-server/`.
pub const CHECK: Check = Check {
    name: "greet-server",
    info: include_str!("../../exercises/greet-server/exercise.toml"),
    setup: crate::no_setup,
    steps: STEPS,
    rules: RULES,
};

/// The rules of the starter's header, each with the step and the known-bad programs that
/// prove the check enforces it.
pub const RULES: &[Rule] = &[
    Rule {
        rule: "receive one message, as lesson 1's server does (one read of at most 1024 bytes; \
               the client sends its message in one piece)",
        step: "answers-one-client",
        known_bad: &["reads-until-the-client-closes"],
    },
    Rule {
        rule: "reply `Hello, <message>!`",
        step: "answers-one-client",
        known_bad: &["forgets-the-bang"],
    },
    Rule {
        rule: "and close the connection",
        step: "answers-one-client",
        known_bad: &["keeps-the-connection-open"],
    },
    Rule {
        rule: "The message is every byte that read returned, as it is: spaces and newlines \
               included",
        step: "exact-message",
        known_bad: &["trims-the-message"],
    },
    Rule {
        rule: "A message that is not UTF-8 text gets no reply at all: close the connection and \
               serve the next client.",
        step: "not-utf8",
        known_bad: &["replies-to-non-utf8"],
    },
    Rule {
        rule: "Nothing a client does may stop the server.",
        step: "closes-at-once",
        known_bad: &["indexes-an-empty-message"],
    },
    Rule {
        rule: "Nothing a client does may stop the server.",
        step: "not-utf8",
        known_bad: &["panics-on-non-utf8"],
    },
];

/// The steps, in order.
pub const STEPS: &[Step] = &[
    Step {
        id: "answers-one-client",
        name: "answers one client",
        run: answers_one_client,
    },
    Step {
        id: "one-after-another",
        name: "serves clients one after another",
        run: one_after_another,
    },
    Step {
        id: "exact-message",
        name: "the message as it is, spaces and newline included",
        run: exact_message,
    },
    Step {
        id: "long-message",
        name: "a long message (1000 bytes)",
        run: long_message,
    },
    Step {
        id: "closes-at-once",
        name: "a client that connects and closes without sending",
        run: closes_at_once,
    },
    Step {
        id: "resets",
        name: "a client that resets the connection",
        run: resets,
    },
    Step {
        id: "not-utf8",
        name: "a message that is not UTF-8 gets no reply",
        run: not_utf8,
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

/// One client sends `message` and must get exactly `Hello, <message>!`, then the close.
fn greets(lab: &mut Lab, message: &str) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(message.as_bytes())?;
    conn.expect_then_close(format!("Hello, {message}!").as_bytes())
}

fn served(lab: &mut Lab) -> StepResult {
    greets(lab, "Ada")
}

fn answers_one_client(lab: &mut Lab) -> StepResult {
    greets(lab, "Ada")
}

fn one_after_another(lab: &mut Lab) -> StepResult {
    for message in ["Grace Hopper", "Zoë", "Linus"] {
        greets(lab, message)?;
    }
    Ok(())
}

fn exact_message(lab: &mut Lab) -> StepResult {
    // What `nc` sends when you type a name and press Enter, with spaces around it: all of it
    // is the message.
    greets(lab, "  Ada Lovelace \n").map_err(|failure| {
        failure.with_note(
            "The message is every byte the read returned, as it is: do not trim spaces or the \
             newline (`nc` sends the newline of the Enter key; `printf 'Ada'` sends none).",
        )
    })
}

fn long_message(lab: &mut Lab) -> StepResult {
    greets(lab, &"x".repeat(1000))
}

fn closes_at_once(lab: &mut Lab) -> StepResult {
    common::closes_at_once(lab, served)
}

fn resets(lab: &mut Lab) -> StepResult {
    common::resets(lab, b"", served)
}

fn not_utf8(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(&[0xff, 0xfe, b'A'])?;
    common::expect_no_reply(&mut conn, "bytes that are not UTF-8 (ff fe 41)")?;
    lab.expect_running()?;
    served(lab)
}

fn silent(lab: &mut Lab) -> StepResult {
    common::silent_client_dropped(lab, served)
}

fn restarts(lab: &mut Lab) -> StepResult {
    common::restarts_at_once(lab, served)
}
