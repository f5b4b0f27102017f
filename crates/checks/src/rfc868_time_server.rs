//! The check of `rfc868-time-server` (lesson 2): RFC 868, the Time Protocol. The server speaks
//! first: 4 bytes, big-endian, the seconds since 1900-01-01 00:00 UTC, then the close. A wrong
//! time is explained in words: the right bytes in the wrong order, a count from 1970, text
//! instead of binary, a time zone, a time worked out once at start.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use netlesson::show::{hex, show_bytes};

use crate::Check;
use crate::{Rule, Step};
use contract::lab::{Conn, Failure, Lab, StepResult};
use contract::steps as common;

/// The exercise: its folder is `crates/exercises/rfc868-time-server/`.
pub const CHECK: Check = Check {
    name: "rfc868-time-server",
    info: include_str!("../../exercises/rfc868-time-server/exercise.toml"),
    setup: crate::no_setup,
    steps: STEPS,
    rules: RULES,
};

/// The rules of the starter's header, each with the step and the known-bad programs that
/// prove the check enforces it.
pub const RULES: &[Rule] = &[
    Rule {
        rule: "as soon as a client connects, send it the time",
        step: "one-after-another",
        known_bad: &["time-fixed-at-start"],
    },
    Rule {
        rule: "the server speaks first and reads nothing",
        step: "sends-the-time",
        known_bad: &["waits-for-a-request"],
    },
    Rule {
        rule: "the number of seconds since 1900-01-01 00:00 UTC (not 1970: RFC 868 is older than \
               Unix time)",
        step: "sends-the-time",
        known_bad: &["counts-from-1970"],
    },
    Rule {
        rule: "RFC 868 sends a number, in binary",
        step: "sends-the-time",
        known_bad: &["sends-text"],
    },
    Rule {
        rule: "as exactly 4 bytes, an unsigned 32-bit number",
        step: "sends-the-time",
        known_bad: &["sends-8-bytes"],
    },
    Rule {
        rule: "most significant byte first (\"big-endian\", the order of most Internet protocols)",
        step: "sends-the-time",
        known_bad: &["little-endian"],
    },
    Rule {
        rule: "then the server closes the connection, and serves the next client",
        step: "sends-the-time",
        known_bad: &["keeps-the-connection-open"],
    },
];

/// The steps, in order.
pub const STEPS: &[Step] = &[
    Step {
        id: "sends-the-time",
        name: "sends the time now: 4 bytes, big-endian, then closes",
        run: sends_the_time,
    },
    Step {
        id: "one-after-another",
        name: "serves clients one after another, each the time it connects",
        run: one_after_another,
    },
    Step {
        id: "closes-at-once",
        name: "a client that connects and closes at once",
        run: closes_at_once,
    },
    Step {
        id: "resets",
        name: "a client that resets the connection",
        run: resets,
    },
    Step {
        id: "restarts",
        name: "restarts at once on the same port",
        run: restarts,
    },
];

/// The seconds from 1900-01-01 00:00 UTC, where RFC 868 counts from, to 1970-01-01 00:00
/// UTC, where Unix time counts from.
const SECONDS_FROM_1900_TO_1970: u32 = 2_208_988_800;

/// The most bytes the check reads of a reply (a right one is 4).
const MOST_BYTES: usize = 64;

/// How far apart two clients are in step 2: more than a second, so that a server that sends
/// everyone the same time is caught.
const PAUSE_BETWEEN_CLIENTS: Duration = Duration::from_millis(1100);

fn sends_the_time(lab: &mut Lab) -> StepResult {
    gets_the_time(lab)
}

fn one_after_another(lab: &mut Lab) -> StepResult {
    gets_the_time(lab)?;
    std::thread::sleep(PAUSE_BETWEEN_CLIENTS);
    gets_the_time(lab)?;
    gets_the_time(lab)
}

fn closes_at_once(lab: &mut Lab) -> StepResult {
    common::closes_at_once(lab, gets_the_time)
}

fn resets(lab: &mut Lab) -> StepResult {
    common::resets(lab, b"", gets_the_time)
}

fn restarts(lab: &mut Lab) -> StepResult {
    common::restarts_at_once(lab, gets_the_time)
}

/// One client connects and sends nothing; it must get 4 bytes, big-endian, with the time
/// between its connecting and the reply's arrival, and then the close.
fn gets_the_time(lab: &mut Lab) -> StepResult {
    let before = unix_now();
    let mut conn = lab.connect()?;
    let port = lab.default_port;
    let reply = match conn.read_reply_then_close(MOST_BYTES) {
        Ok(reply) => reply,
        Err(failure) => return Err(unfinished(&conn, failure, rfc868(before), port)),
    };
    let window = Window::between(before, unix_now());
    match judge(&reply, &window) {
        None => Ok(()),
        Some(problem) => Err(wrong_time(&conn, &reply, &window, problem, port)),
    }
}

/// The times a right server may send a client: from the second the client connected to the
/// second after the reply arrived (a server may round up), as RFC 868's 32-bit numbers.
struct Window {
    first: u32,
    seconds: i64,
}

impl Window {
    /// `before` and `after` are Unix times, in whole seconds.
    fn between(before: u64, after: u64) -> Window {
        Window {
            first: rfc868(before),
            seconds: after.saturating_sub(before).saturating_add(1) as i64,
        }
    }

    /// How many seconds `time` is after the window's first second (negative: before it),
    /// across the wrap of 2036.
    fn offset(&self, time: u32) -> i64 {
        i64::from(time.wrapping_sub(self.first) as i32)
    }

    fn contains(&self, time: u32) -> bool {
        (0..=self.seconds).contains(&self.offset(time))
    }
}

/// What is wrong with `reply`, in words, or `None` when it is the right time.
fn judge(reply: &[u8], window: &Window) -> Option<String> {
    let Ok(bytes) = <[u8; 4]>::try_from(reply) else {
        return Some(wrong_length(reply));
    };
    let big = u32::from_be_bytes(bytes);
    let little = u32::from_le_bytes(bytes);
    let from_1970 = |time: u32| time.wrapping_add(SECONDS_FROM_1900_TO_1970);
    if window.contains(big) {
        None
    } else if window.contains(little) {
        Some(WRONG_ORDER.to_string())
    } else if window.contains(from_1970(big)) {
        Some(counted_from_1970(big))
    } else if window.contains(from_1970(little)) {
        Some(format!("{WRONG_ORDER}\n{}", counted_from_1970(little)))
    } else {
        Some(off_by(window.offset(big), big, window))
    }
}

const WRONG_ORDER: &str = "Right bytes, wrong order: read from the last byte to the first \
    (little-endian), they are the time now.\nRFC 868 sends the most significant byte first \
    (big-endian, also called network byte order): use `to_be_bytes`, not `to_le_bytes`, nor \
    `to_ne_bytes` (the machine's own order, which is little-endian on most computers).";

fn counted_from_1970(time: u32) -> String {
    format!(
        "The number counts the seconds since 1970 (Unix time, what `SystemTime` gives), but \
         RFC 868 counts from 1900-01-01 00:00 UTC: an RFC 868 client reads {time} as {}. Add \
         the 2,208,988,800 seconds from 1900 to 1970 (RFC 868's own example: 2,208,988,800 is \
         1970-01-01 00:00 UTC).",
        rfc868_date(time)
    )
}

fn wrong_length(reply: &[u8]) -> String {
    let is_text = reply
        .iter()
        .all(|byte| byte.is_ascii_digit() || byte.is_ascii_whitespace());
    if reply.is_empty() {
        SPEAKS_FIRST.to_string()
    } else if is_text && reply.iter().any(u8::is_ascii_digit) {
        "The server sent text, the digits of a number. RFC 868 sends the number itself, in \
         binary: the 4 bytes of a u32 (`to_be_bytes`), not its digits."
            .to_string()
    } else if reply.len() == 8 {
        "The server sent 8 bytes: a 64-bit number? RFC 868's time is 32 bits, exactly 4 bytes: \
         make the seconds a u32 before taking its bytes."
            .to_string()
    } else {
        format!(
            "RFC 868's time is exactly 4 bytes; the server sent {}.",
            reply.len()
        )
    }
}

const SPEAKS_FIRST: &str = "The server closed the connection without sending anything. In \
    RFC 868 the server speaks first: as soon as a client connects, it sends the time, without \
    waiting to read anything (RFC 868's clients send nothing, and neither does the checker).";

/// A 4-byte time that is none of the usual mistakes: say how far off it is.
fn off_by(offset: i64, time: u32, window: &Window) -> String {
    let distance = offset.unsigned_abs();
    let direction = if offset < 0 { "behind" } else { "ahead of" };
    let whole_quarter_hours = (distance + 2) % 900 <= 4;
    if offset < 0 && distance < 900 {
        format!(
            "The time is {distance} s behind the checker's clock. Does the server work out the \
             time once, when it starts, and send that to every client? Work it out for each \
             client, when it connects."
        )
    } else if distance <= 14 * 3600 && whole_quarter_hours {
        let minutes = (distance + 30) / 60;
        format!(
            "The time is {} h {:02} min {direction} the checker's clock: that looks like a time \
             zone. RFC 868 counts in UTC, as `SystemTime::now()` does: add no local offset.",
            minutes / 60,
            minutes % 60
        )
    } else {
        format!(
            "The time is wrong: {time}, read big-endian, is {}, but now is {} ({distance} s \
             {direction} it).",
            rfc868_date(time),
            rfc868_date(window.first)
        )
    }
}

/// A failure whose reply came, and closed, but is not the time.
fn wrong_time(conn: &Conn, reply: &[u8], window: &Window, problem: String, port: u16) -> Failure {
    let now = window.first;
    let received = match <[u8; 4]>::try_from(reply) {
        Ok(bytes) => {
            let big = u32::from_be_bytes(bytes);
            format!(
                "{} (read big-endian: {big}, {})",
                hex(reply),
                rfc868_date(big)
            )
        }
        Err(_) if reply.is_empty() => "nothing".to_string(),
        Err(_) => show_bytes(reply),
    };
    Failure {
        expected: Some(expected(now)),
        received: Some(format!("{received}, then the connection closed")),
        reproduce: reproduce(port),
        ..conn.failure(problem)
    }
}

/// A failure of `read_reply_then_close`: nothing came, the server did not close, or sent too
/// much. Says what RFC 868 wants instead; `now` is the time the client connected.
fn unfinished(conn: &Conn, failure: Failure, now: u32, port: u16) -> Failure {
    let advice = if conn.received().is_empty() {
        "In RFC 868 the server speaks first: send the time as soon as a client connects, \
         without waiting to read anything (RFC 868's clients send nothing, and neither does \
         the checker)."
    } else {
        "Close the connection right after sending the 4 bytes (return from `send_time`: \
         `serve` closes it). RFC 868's client reads until the server closes; it sends nothing, \
         and it does not close first."
    };
    // A few bytes of a number may happen to be valid UTF-8, and `show_bytes` would show them
    // as text: show them in hex, as the rest of this check does.
    let got = conn.received();
    let received = match got.len() {
        1..=8 => failure
            .received
            .map(|received| received.replacen(&show_bytes(got), &hex(got), 1)),
        _ => failure.received,
    };
    Failure {
        problem: format!("{}.\n{advice}", failure.problem),
        expected: Some(expected(now)),
        received,
        reproduce: reproduce(port),
        ..failure
    }
}

fn expected(now: u32) -> String {
    format!(
        "4 bytes, such as {} ({now}: {}, the time the client connected), then the connection \
         closed",
        hex(&now.to_be_bytes()),
        rfc868_date(now)
    )
}

/// Shows the bytes a server sends, then the bytes it should send (in hex, big-endian).
fn reproduce(port: u16) -> Vec<String> {
    vec![format!(
        "nc 127.0.0.1 {port} </dev/null | od -An -tx1; \
         printf '%08x\\n' $(( $(date +%s) + 2208988800 ))    (what you got, then what it should be)"
    )]
}

/// Now, in whole seconds since 1970-01-01 00:00 UTC, by the checker's clock.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// A Unix time as RFC 868's number: seconds since 1900, the low 32 bits.
fn rfc868(unix: u64) -> u32 {
    (unix + u64::from(SECONDS_FROM_1900_TO_1970)) as u32
}

/// An RFC 868 time as a date, in the era that starts in 1900.
fn rfc868_date(time: u32) -> String {
    utc_date(i64::from(time) - i64::from(SECONDS_FROM_1900_TO_1970))
}

/// A Unix time (seconds since 1970-01-01 00:00 UTC, negative before) as
/// `YYYY-MM-DD HH:MM:SS UTC`. The calendar part is Howard Hinnant's `civil_from_days`
/// (<https://howardhinnant.github.io/date_algorithms.html>): the course has no date crate.
fn utc_date(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let second_of_day = unix.rem_euclid(86_400);
    let shifted = days + 719_468; // days since 0000-03-01
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_utc() {
        assert_eq!(utc_date(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_date(1_795_890_441), "2026-11-28 18:27:21 UTC");
        assert_eq!(utc_date(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(rfc868_date(0), "1900-01-01 00:00:00 UTC");
        assert_eq!(rfc868_date(u32::MAX), "2036-02-07 06:28:15 UTC");
        assert_eq!(rfc868(1_795_890_441), 4_004_879_241);
    }

    #[test]
    fn each_usual_mistake_is_named() {
        let now = 4_004_879_241_u32;
        let window = Window {
            first: now,
            seconds: 1,
        };
        assert_eq!(judge(&now.to_be_bytes(), &window), None);
        assert_eq!(
            judge(&now.to_le_bytes(), &window).as_deref(),
            Some(WRONG_ORDER)
        );
        let unix = (now - SECONDS_FROM_1900_TO_1970).to_be_bytes();
        let said = judge(&unix, &window).unwrap_or_default();
        assert!(said.contains("seconds since 1970"), "{said}");
        assert!(said.contains("1956-11-28 18:27:21"), "{said}");
        let said = judge(b"4004879241\r\n", &window).unwrap_or_default();
        assert!(said.contains("sent text"), "{said}");
        let said = judge(&(now - 3).to_be_bytes(), &window).unwrap_or_default();
        assert!(said.contains("3 s behind"), "{said}");
        let said = judge(&(now + 3600).to_be_bytes(), &window).unwrap_or_default();
        assert!(said.contains("1 h 00 min ahead of"), "{said}");
        assert_eq!(judge(b"", &window).as_deref(), Some(SPEAKS_FIRST));
    }

    #[test]
    fn the_window_holds_across_the_wrap_of_2036() {
        let window = Window {
            first: u32::MAX,
            seconds: 2,
        };
        assert!(window.contains(u32::MAX));
        assert!(window.contains(1));
        assert!(!window.contains(2));
        assert!(!window.contains(u32::MAX - 1));
    }
}
