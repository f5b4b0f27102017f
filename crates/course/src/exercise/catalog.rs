//! The table of exercises: one entry per exercise, in lesson order. To add one, write its
//! starter, solution and known-bad programs in `crates/exercises` (and their `[[bin]]` entries
//! in its Cargo.toml), its check in `checks/`, a section in its lesson, and an entry here; the
//! test `every_exercise_is_complete` (crates/course/tests) says what is missing.

use super::checks::greet_server;
use super::checks::{count_server, rfc868_time_server};
// budget-chat (lesson 9)
use super::checks::budget_chat;
use super::{Exercise, no_setup};

/// Every exercise, in lesson order.
pub const ALL: &[Exercise] = &[
    Exercise {
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
    },
    // rfc868-time-server (lesson 2) and count-server (lesson 3)
    Exercise {
        name: "rfc868-time-server",
        lesson: 2,
        title: "tell the time as RFC 868 says: 4 bytes, big-endian",
        port: 3737,
        section: "lessons/02-time-server.md#exercise-rfc868-time-server",
        hints: &[
            "Lesson 2's `send_time` is the model: no read at all, one `write_all`, return. What \
         differs is what you send: not text but a number, as 4 bytes. Start with the number: \
         `SystemTime::now().duration_since(UNIX_EPOCH)` is the time since 1970-01-01 00:00 UTC \
         (an error only if the clock is set before 1970: pass it on with `.context(...)?`), and \
         `.as_secs()` makes it whole seconds, a u64.",
            "RFC 868 counts from 1900, 70 years before Unix time: add 2_208_988_800 seconds (70 \
         years of 365 days, plus 17 leap days). The sum is a u64; RFC 868 sends 32 bits, and \
         `as u32` keeps the low 32 (the count wraps to 0 in 2036).",
            "`time.to_be_bytes()` gives the 4 bytes of a u32, most significant first (big-endian, \
         as RFC 868 and most Internet protocols want; `to_le_bytes` would send them backwards). \
         So `send_time` is `let time = seconds_since_1900()?.to_be_bytes();`, then \
         `client.write_all(&time).context(\"could not send the time\")?;` and `Ok(())`.",
        ],
        setup: no_setup,
        steps: rfc868_time_server::STEPS,
        fixtures: rfc868_time_server::FIXTURES,
    },
    Exercise {
        name: "count-server",
        lesson: 3,
        title: "count the bytes a client sends until it half-closes",
        port: 12346,
        section: "lessons/03-echo.md#exercise-count-server",
        hints: &[
            "Lesson 3's `echo` is the model: a loop of `client.read(&mut buffer)` that stops when a \
         read returns 0, which is the client's half-close. Instead of sending each piece back, \
         add `received` (what the read returned) to a count, and return the count when the \
         loop ends. You need not keep the bytes: only how many came.",
            "One read returns what has arrived so far, 1 byte or a full buffer: it is never \
         \"the message\", and a short read is not the end; only 0 is. Count bytes (`received`), \
         not characters, and never turn the bytes into text: a client may send anything.",
            "For the reply: `let reply = format!(\"{count} bytes\\n\");` (always `bytes`, even for \
         1), then `client.write_all(reply.as_bytes()).context(\"could not send the count\")?;` \
         and `Ok(())`. `serve` closes the connection when your function returns.",
        ],
        setup: no_setup,
        steps: count_server::STEPS,
        fixtures: count_server::FIXTURES,
    },
    // budget-chat (lesson 9)
    Exercise {
        name: "budget-chat",
        lesson: 9,
        title: "a chat room for many people at once (Protohackers' Budget Chat)",
        port: 7778,
        section: "lessons/09-chat.md#exercise-budget-chat",
        hints: &[
            "Follow lesson 9's server, one piece at a time, and check after each: the welcome \
         and the name first (`serve_client` with a queue and a writer, `talk` as far as \
         `read_name`), then `Room::join`, then `say` and `broadcast`, then `leave`. \
         `read_line` is lesson 5's `read_until_delimiter(lines, b\"\\n\", MAX_LINE)`, and its \
         `FrameError::NoDelimiter` is the line that is too long.",
            "Every byte to a client goes through its queue: `talk` puts the welcome in with \
         `outgoing.send(...)` and hands `outgoing.clone()` to `join`, so the room can queue \
         lines too. The writer's `for line in queue` ends when both copies are dropped: \
         `talk`'s when it returns, the room's when `leave` removes the member. Start the \
         writer with `thread::scope(|scope| { let writer = scope.spawn(...); ... })` so that \
         `serve_client` waits for it.",
            "In `broadcast`, never `send` (it waits while a queue is full, and one user who does \
         not read would stop everyone): `try_send`, and collect the ids whose queue was \
         `Err(TrySendError::Full(_))`. After the loop, for each: `remove` it, \
         `connection.shutdown(Shutdown::Both)` (that wakes its reader and its writer), and \
         broadcast `* NAME has left the room`. In `join`, tell the newcomer who is here before \
         you push it into `members`.",
        ],
        setup: no_setup,
        steps: budget_chat::STEPS,
        fixtures: budget_chat::FIXTURES,
    },
];
