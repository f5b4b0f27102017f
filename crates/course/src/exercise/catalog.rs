//! The table of exercises: one entry per exercise, in lesson order. To add one, write its
//! starter, solution and known-bad programs in `crates/exercises` (and their `[[bin]]` entries
//! in its Cargo.toml), its check in `checks/`, a section in its lesson, and an entry here; the
//! test `every_exercise_is_complete` (crates/course/tests) says what is missing.

use super::checks::greet_server;
use super::checks::{file_server, udp_pinger};
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
    // file-server (lesson 6) and udp-pinger (lesson 7)
    Exercise {
        name: "file-server",
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
];
