//! The check of `greet-server` (lesson 1): one receive is the message; the reply is
//! `Hello, <message>!`, then the server closes; bytes that are not UTF-8 get no reply.

use crate::Step;
use crate::catalog::Check;
use contract::lab::{Lab, StepResult};
use contract::steps as common;

/// The exercise: its folder is `crates/exercises/greet-server/`.
pub const CHECK: Check = Check {
    name: "greet-server",
    info: include_str!("../../../exercises/greet-server/exercise.toml"),
    setup: crate::no_setup,
    steps: STEPS,
};

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
    conn.expect_close()?;
    lab.expect_running()?;
    served(lab)
}

fn silent(lab: &mut Lab) -> StepResult {
    common::silent_client_dropped(lab, served)
}

fn restarts(lab: &mut Lab) -> StepResult {
    common::restarts_at_once(lab, served)
}
