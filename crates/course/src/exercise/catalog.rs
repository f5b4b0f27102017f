//! The table of exercises: one entry per exercise, in lesson order. To add one, write its
//! starter, solution and known-bad programs in `crates/exercises` (and their `[[bin]]` entries
//! in its Cargo.toml), its check in `checks/`, a section in its lesson, and an entry here; the
//! test `every_exercise_is_complete` (crates/course/tests) says what is missing.

use super::checks::command_server;
use super::checks::greet_server;
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
    Exercise {
        name: "command-server",
        lesson: 4,
        title: "answer commands, one line at a time",
        port: 12001,
        section: "lessons/04-uppercase.md#exercise-command-server",
        hints: &[
            "Three functions, from the bottom up. `reply_to` knows only text: answer `QUIT` \
             first, then cut the line at its first space with `line.split_once(' ')` (no space: \
             the whole line is the command, and the text is empty) and `match` on the command: \
             `text.to_uppercase()`, and `text.chars().rev().collect()` for REVERSE. \
             `receive_line` is id-client's `receive_line`, which keeps what came after the \
             `\\n` in `pending`. `run_session` calls it in a loop and sends what `reply_to` says.",
            concat!(
                "`receive_line`, nearly whole: look for a `\\n` in what is pending, and receive ",
                "more only when there is none.\n",
                "    let mut buffer = [0u8; BUFFER_SIZE];\n",
                "    loop {\n",
                "        if let Some(end) = pending.iter().position(|&byte| byte == b'\\n') {\n",
                "            // Takes the line and its \\n out; the bytes after it stay in `pending`.\n",
                "            let mut line: Vec<u8> = pending.drain(..=end).collect();\n",
                "            line.pop(); // the \\n. Then pop a \\r, if the line ends with one, and\n",
                "            // return Received::TooLong if the line is over MAX_LINE, else\n",
                "            return Ok(Received::Line(line));\n",
                "        }\n",
                "        if pending.len() > MAX_LINE + 1 {\n",
                "            return Ok(Received::TooLong);\n",
                "        }\n",
                "        let count = client.read(&mut buffer).context(\"could not receive\")?;\n",
                "        if count == 0 {\n",
                "            return Ok(Received::Closed);\n",
                "        }\n",
                "        pending.extend_from_slice(&buffer[..count]);\n",
                "    }",
            ),
            concat!(
                "`run_session`, nearly whole:\n",
                "    loop {\n",
                "        let line = match receive_line(client, &mut pending)? {\n",
                "            Received::Line(line) => line,\n",
                "            Received::Closed => return Ok(()),\n",
                "            Received::TooLong => {\n",
                "                send_line(client, \"ERR line too long\")?;\n",
                "                bail!(\"sent a line over {MAX_LINE} bytes\");\n",
                "            }\n",
                "        };\n",
                "        let Ok(text) = std::str::from_utf8(&line) else {\n",
                "            send_line(client, \"ERR not UTF-8\")?;\n",
                "            continue;\n",
                "        };\n",
                "        // match reply_to(text): send a Reply::Line; for Reply::Bye, send BYE and\n",
                "        // return Ok(()), which closes the connection.\n",
                "    }",
            ),
        ],
        setup: no_setup,
        steps: command_server::STEPS,
        fixtures: command_server::FIXTURES,
    },
];
