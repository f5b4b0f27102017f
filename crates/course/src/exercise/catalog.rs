//! The table of exercises: one entry per exercise, in lesson order. To add one, write its
//! starter, solution and known-bad programs in `crates/exercises` (and their `[[bin]]` entries
//! in its Cargo.toml), its check in `checks/`, a section in its lesson, and an entry here; the
//! test `every_exercise_is_complete` (crates/course/tests) says what is missing.

use super::checks::greet_server;
use super::{Exercise, no_setup};

/// Every exercise, in lesson order.
pub const ALL: &[Exercise] = &[Exercise {
    name: "greet-server",
    lesson: 1,
    title: "say hello to each client",
    port: 50001,
    section: "lessons/01-simple-server.md#exercise-greet-server",
    hints: &[
        "Receive once, as lesson 1's `answer` does: a buffer of 1024 bytes, \
         `let received = client.read(&mut buffer)?;`, and the message is `&buffer[..received]`. \
         A client that closed without sending gives 0 bytes: return an error for it \
         (`bail!(\"sent nothing\")`), and `serve` prints it and goes on.",
        "`std::str::from_utf8(message)` turns the bytes into a `&str`, or fails when they are \
         not UTF-8. On failure, return an error without replying (`let Ok(text) = ... else { \
         bail!(...) };`): the connection closes and `serve` goes on to the next client.",
        "Build the reply with `format!(\"Hello, {text}!\")` and send all of it with \
         `client.write_all(reply.as_bytes())`. Nothing else: the connection closes when your \
         function returns and `serve` drops the socket.",
    ],
    setup: no_setup,
    steps: greet_server::STEPS,
    fixtures: greet_server::FIXTURES,
}];
