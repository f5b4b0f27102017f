//! The table of exercises: one entry per exercise, in lesson order. To add one, write its
//! starter, solution and known-bad programs in `crates/exercises` (and their `[[bin]]` entries
//! in its Cargo.toml), its check in `checks/`, a section in its lesson, and an entry here; the
//! test `every_exercise_is_complete` (crates/course/tests) says what is missing.

use crate::checks::greet_server;
use crate::checks::{
    budget_chat, command_server, count_server, file_server, kv_server, rfc868_time_server,
    udp_pinger,
};
// kv-server-threads (lesson 8)
use crate::checks::kv_server_threads;
use crate::{Exercise, Kind, no_setup};

/// Every exercise, in lesson order.
pub const ALL: &[Exercise] = &[
    Exercise {
        name: "greet-server",
        kind: Kind::Server,
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
        kind: Kind::Server,
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
        kind: Kind::Server,
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
    Exercise {
        name: "command-server",
        kind: Kind::Server,
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
    Exercise {
        name: "kv-server",
        kind: Kind::Server,
        lesson: 5,
        title: "a key-value store over length-prefixed strings",
        port: 8889,
        section: "lessons/05-framing.md#exercise-kv-server",
        hints: &[
            "Three functions. `answer_requests` is average-server's loop with \
             `read_frame(client, MAX_REQUEST)`: it returns the body of each request as bytes, \
             `None` when the client is done, or an error for a broken frame, which you `match` \
             to reply `ERR bad header` or `ERR too long` before you return it. `reply_to` cuts \
             the request at its first space (`request.split_once(' ')`) and matches on the \
             command; SET cuts the rest once more, into the key and the value. `increment` \
             parses the value with `parse::<i64>()`.",
            concat!(
                "`answer_requests`, nearly whole:\n",
                "    loop {\n",
                "        let request = match read_frame(client, MAX_REQUEST) {\n",
                "            Ok(Some(request)) => request,\n",
                "            Ok(None) => return Ok(()),\n",
                "            Err(error) => {\n",
                "                let reply = match &error {\n",
                "                    FrameError::BadHeader { .. } => \"ERR bad header\",\n",
                "                    FrameError::TooLarge { .. } => \"ERR too long\",\n",
                "                    _ => return Err(error).context(\"could not receive a request\"),\n",
                "                };\n",
                "                send_string(client, reply).context(\"could not send the reply\")?;\n",
                "                return Err(error).context(\"refused a request\");\n",
                "            }\n",
                "        };\n",
                "        // `std::str::from_utf8(&request)`: Ok(text) gets `reply_to(text, store)`,\n",
                "        // Err gets \"ERR not UTF-8\". Then send the reply with `send_string`.\n",
                "    }",
            ),
            concat!(
                "`reply_to` and `increment`, nearly whole:\n",
                "    let (command, argument) = request.split_once(' ').unwrap_or((request, \"\"));\n",
                "    match command {\n",
                "        \"SET\" => match argument.split_once(' ') {\n",
                "            Some((key, value)) if is_key(key) => { /* insert, \"OK\" */ }\n",
                "            _ => \"ERR unknown command\".to_string(),\n",
                "        },\n",
                "        \"GET\" if is_key(argument) => { /* store.get(argument) */ }\n",
                "        // DEL with store.remove(argument), INCR with increment(store, argument)\n",
                "        _ => \"ERR unknown command\".to_string(),\n",
                "    }\n",
                "where `is_key(text)` is `!text.is_empty() && !text.contains(' ')`. In \
                 `increment`: a missing key is `Some(0)`, a stored value \
                 `value.parse::<i64>().ok()`; then `.and_then(|number| number.checked_add(1))` \
                 is `None` for text and for i64::MAX: `ERR not an integer`. Store the new number \
                 with `next.to_string()`.",
            ),
        ],
        setup: no_setup,
        steps: kv_server::STEPS,
        fixtures: kv_server::FIXTURES,
    },
    // file-server (lesson 6) and udp-pinger (lesson 7)
    Exercise {
        name: "file-server",
        kind: Kind::Server,
        lesson: 6,
        title: "save uploaded files, safely",
        port: 50002,
        section: "lessons/06-image-transfer.md#exercise-file-server",
        hints: &[
            "Start with `read_number`: `let mut header = vec![0u8; digits]; \
         client.read_exact(&mut header)?;` (one `read` may return fewer bytes), then refuse \
         unless `header.iter().all(u8::is_ascii_digit)`, then `std::str::from_utf8(&header)?\
         .parse::<u64>()?`. In `receive_and_save`, check each number against its limit right \
         after reading it, before reading what it announces.",
            "`check_name`: `let Ok(name) = std::str::from_utf8(bytes) else { bail!(...) };` never \
         panics. Then refuse an empty name, one longer than 100, one starting with '.', and one \
         with a character that is not `c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | \
         '-')`. With `/` and a leading `.` refused, no name can leave the folder.",
            "`save_new`: `let temporary = out_dir.join(format!(\".{name}.part\"));` then \
         `File::create(&temporary)?`, `write_all(bytes)`, `sync_all()`; then \
         `fs::hard_link(&temporary, out_dir.join(name))`, which fails with \
         `ErrorKind::AlreadyExists` if the name is taken; then `fs::remove_file(&temporary)` \
         whether the link worked or not. In `receive_and_save`, the bytes are \
         `let mut bytes = vec![0u8; size as usize]; client.read_exact(&mut bytes)?;`.",
        ],
        setup: file_server::setup,
        steps: file_server::STEPS,
        fixtures: file_server::FIXTURES,
    },
    Exercise {
        name: "udp-pinger",
        kind: Kind::Client,
        lesson: 7,
        title: "ping over UDP: round trips and losses",
        port: 5005,
        section: "lessons/07-udp.md#exercise-udp-pinger",
        hints: &[
            "`create_socket`: `UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))` (or Ipv6Addr for an \
         IPv6 server, `server.is_ipv4()` tells) creates the socket and gives it a free port. \
         In `ping`: `let sent_at = Instant::now();` then \
         `socket.send_to(format!(\"Ping {number}\").as_bytes(), options.server)?`.",
            "Wait for the reply as udp-client's `wait_for_reply` does: one deadline, \
         `sent_at + options.timeout`; in a loop, `set_read_timeout(Some(time left))`, then \
         `recv_from`. A datagram whose bytes are exactly `PING N` is the reply: return \
         `Ok(Some(sent_at.elapsed()))`. Anything else: loop again. An error of kind \
         `WouldBlock` or `TimedOut` means the time is up: `Ok(None)`.",
            "`print_summary`: `let received = round_trips.len() as u32;` and \
         `let loss = (sent - received) * 100 / sent;` (integers round down). Then, only if \
         `round_trips.iter().min()` and `.max()` are `Some`, the mean \
         `round_trips.iter().sum::<Duration>() / received` and the line \
         `rtt min/avg/max = {}/{}/{} ms` with `milliseconds(...)` for each.",
        ],
        setup: no_setup,
        steps: udp_pinger::STEPS,
        fixtures: udp_pinger::FIXTURES,
    },
    // kv-server-threads (lesson 8)
    Exercise {
        name: "kv-server-threads",
        kind: Kind::Server,
        lesson: 8,
        title: "kv-server for many clients at once: one shared store, a thread per client",
        port: 8890,
        section: "lessons/08-many-clients.md#exercise-kv-server-threads",
        hints: &[
            "Lesson 8's threaded-server is the model. Its `run` is yours, with \
             `exercises::listen(PORT)?` instead of its first two lines; its `admit` and `refuse` \
             are yours with a plain number, `Mutex<usize>`, instead of `Counts`. The store is \
             made once, before the loop: `Arc::new(Mutex::new(Store::new()))`, and each \
             client's thread gets an `Arc::clone` of it. `reply_locked` is one line, \
             `reply_to(request, &mut lock(store))`: the guard is a temporary, so the lock is \
             held for this one request, and released before the reply is sent.",
            concat!(
                "The cap, nearly whole. `admit` checks and counts under one lock:\n",
                "    let mut connected = lock(connected);\n",
                "    if *connected >= max_clients {\n",
                "        return false;\n",
                "    }\n",
                "    *connected += 1;\n",
                "    true\n",
                "`leave` is `*lock(connected) -= 1;`, called by the client's thread when \
                 `serve_client` returns, whatever it returned. `refuse` sends the string with \
                 `send_string(&mut client, \"ERR server full\")`, and `log!`s one line \
                 whether that worked or not; `client` is closed when the function returns.",
            ),
            concat!(
                "`run`, after `exercises::listen`, nearly whole:\n",
                "    let store = Arc::new(Mutex::new(Store::new()));\n",
                "    let connected = Arc::new(Mutex::new(0));\n",
                "    loop {\n",
                "        let (client, peer) = match listener.accept() {\n",
                "            Ok(accepted) => accepted,\n",
                "            Err(error) => { log!(\"accept failed: {error}\"); continue; }\n",
                "        };\n",
                "        if !admit(&connected, settings.max_clients) {\n",
                "            refuse(client, peer, settings.max_clients);\n",
                "            continue;\n",
                "        }\n",
                "        // The thread's own handles: `move` takes them, with `client` and `peer`.\n",
                "        let store = Arc::clone(&store);\n",
                "        let connected = Arc::clone(&connected);\n",
                "        thread::spawn(move || {\n",
                "            let result = serve_client(client, &store, settings);\n",
                "            leave(&connected);\n",
                "            report_client(peer, result, settings.idle_timeout);\n",
                "        });\n",
                "    }",
            ),
        ],
        setup: no_setup,
        steps: kv_server_threads::STEPS,
        fixtures: kv_server_threads::FIXTURES,
    },
    // budget-chat (lesson 9)
    Exercise {
        name: "budget-chat",
        kind: Kind::Server,
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
         writer with `thread::spawn(move || send_queued(clone, queue))` (it owns what it \
         uses) and `join` it at the end, so that `serve_client` waits for it.",
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
