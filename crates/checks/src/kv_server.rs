//! The check of `kv-server` (lesson 5): a key-value store (`SET`, `GET`, `DEL`, `INCR`) over
//! lesson 5's length-prefixed strings, that outlives its clients and refuses broken frames.
//!
//! Lesson 8's `kv-server-threads` speaks the same protocol with threads: its check reuses
//! these steps (every step is a `pub fn`) and [`KvClient`], and adds its own. Each step uses
//! keys of its own, so the steps can run in any order on one server.

use std::time::{Duration, Instant};

use netlesson::show::show_bytes;

use crate::Check;
use crate::{Rule, Step};
use contract::lab::{
    Conn, Failure, IDLE_TIMEOUT, Lab, StepResult, printf_escape, show_text_and_bytes,
};
use contract::steps as common;

/// The largest request body a server must take.
pub const MAX_REQUEST: usize = 70_000;

/// The length of a header: 8 ASCII digits.
const HEADER_LEN: usize = 8;

/// The exercise: its folder is `crates/exercises/kv-server/`.
pub const CHECK: Check = Check {
    name: "kv-server",
    info: include_str!("../../exercises/kv-server/exercise.toml"),
    setup: crate::no_setup,
    steps: STEPS,
    rules: RULES,
};

/// The rules of the starter's header, each with the step and the known-bad programs that
/// prove the check enforces it.
pub const RULES: &[Rule] = &[
    Rule {
        rule: "a client sends requests, as many as it likes on one connection, and gets one reply \
               for each",
        step: "set-and-get",
        known_bad: &["one-request-per-connection"],
    },
    Rule {
        rule: "what one client stores, the next client finds",
        step: "store-outlives-clients",
        known_bad: &["store-per-client"],
    },
    Rule {
        rule: "Every request and every reply is one of lesson 5's strings: the length of its body \
               in bytes, as 8 ASCII digits with leading zeros, then the body",
        step: "set-and-get",
        known_bad: &["replies-without-a-header"],
    },
    Rule {
        rule: "Every request and every reply is one of lesson 5's strings",
        step: "bytewise",
        known_bad: &["one-read-per-request"],
    },
    Rule {
        rule: "Every request and every reply is one of lesson 5's strings",
        step: "several-in-one-write",
        known_bad: &["new-reader-per-request"],
    },
    Rule {
        rule: "`ERR not UTF-8`, and the connection goes on",
        step: "not-utf8",
        known_bad: &["uses-read-string"],
    },
    Rule {
        rule: "The command is the body up to its first space, exactly as written (`get` is \
               unknown).",
        step: "unknown-commands",
        known_bad: &["ignores-case"],
    },
    Rule {
        rule: "A key is one or more characters without spaces, after the command and one space.",
        step: "unknown-commands",
        known_bad: &["set-takes-an-empty-key"],
    },
    Rule {
        rule: "`GET`, `DEL` and `INCR` take the key alone.",
        step: "unknown-commands",
        known_bad: &["get-takes-the-rest", "incr-takes-the-rest"],
    },
    Rule {
        rule: "`SET note` without the space after the key",
        step: "unknown-commands",
        known_bad: &["set-without-a-value"],
    },
    Rule {
        rule: "Nothing a client does may stop the server.",
        step: "unknown-commands",
        known_bad: &["indexes-missing-words"],
    },
    Rule {
        rule: "A value that is not an i64 (`abc`, `2.5`), or that adding 1 would overflow, gets \
               `ERR not an integer`, and stays as it was.",
        step: "incr",
        known_bad: &["incr-counts-text-as-0", "incr-overflows"],
    },
    Rule {
        rule: "(70000 is fine)",
        step: "largest-request",
        known_bad: &["limit-of-64-kib"],
    },
    Rule {
        rule: "a length over 70000 gets `ERR too long`",
        step: "too-long",
        known_bad: &["closes-without-err"],
    },
    Rule {
        rule: "then the server closes the connection at once, without reading any body",
        step: "too-long",
        known_bad: &["checks-the-length-after-the-body"],
    },
    Rule {
        rule: "a header that is not 8 ASCII digits gets the reply `ERR bad header`",
        step: "bad-headers",
        known_bad: &["parses-the-header-with-parse"],
    },
    Rule {
        rule: "A client that closes in the middle of a request gets no reply.",
        step: "closes-mid-request",
        known_bad: &["replies-to-a-cut-request"],
    },
];

/// The steps of a KV server's check: the 14 protocol steps every KV exercise shares (lesson 5's
/// kv-server, and lessons 8 and 10's kv-server-threads and kv-server-async, which serve the same
/// protocol to many clients at once), then `$more`. A macro because a `const` slice cannot be
/// joined from two: `kv_steps![STEP, STEP]` is a `&'static [Step]`.
#[macro_export]
macro_rules! kv_steps {
    ($($more:expr),* $(,)?) => {
        &[
            $crate::Step {
                id: "set-and-get",
                name: "SET stores a value (spaces included) and GET returns it",
                run: $crate::kv_server::set_and_get,
            },
            $crate::Step {
                id: "missing-keys-and-del",
                name: "GET and DEL of a missing key reply NOT FOUND; DEL removes a key",
                run: $crate::kv_server::missing_keys_and_del,
            },
            $crate::Step {
                id: "incr",
                name: "INCR counts from 0 and refuses what is not an i64",
                run: $crate::kv_server::incr,
            },
            $crate::Step {
                id: "unknown-commands",
                name: "anything else gets ERR unknown command",
                run: $crate::kv_server::unknown_commands,
            },
            $crate::Step {
                id: "store-outlives-clients",
                name: "the store outlives its clients, served one after another",
                run: $crate::kv_server::store_outlives_clients,
            },
            $crate::Step {
                id: "bytewise",
                name: "requests sent one byte per write",
                run: $crate::kv_server::bytewise,
            },
            $crate::Step {
                id: "several-in-one-write",
                name: "several requests in one write",
                run: $crate::kv_server::several_in_one_write,
            },
            $crate::Step {
                id: "not-utf8",
                name: "a body that is not UTF-8 gets ERR not UTF-8, and the connection goes on",
                run: $crate::kv_server::not_utf8,
            },
            $crate::Step {
                id: "largest-request",
                name: "a request of 70000 bytes is read whole",
                run: $crate::kv_server::largest_request,
            },
            $crate::Step {
                id: "too-long",
                name: "a length over 70000 gets an ERR reply and the close, before any body",
                run: $crate::kv_server::too_long,
            },
            $crate::Step {
                id: "bad-headers",
                name: "a header that is not 8 digits gets an ERR reply and the close",
                run: $crate::kv_server::bad_headers,
            },
            $crate::Step {
                id: "closes-mid-request",
                name: "a client that closes in the middle of a request",
                run: $crate::kv_server::closes_mid_request,
            },
            $crate::Step {
                id: "closes-at-once",
                name: "a client that connects and closes without sending",
                run: $crate::kv_server::closes_at_once,
            },
            $crate::Step {
                id: "resets",
                name: "a client that resets the connection in the middle of a request",
                run: $crate::kv_server::resets,
            },
            $($more),*
        ]
    };
}

/// The steps, in order: the protocol ([`kv_steps!`]), then a silent client and a restart.
pub const STEPS: &[Step] = kv_steps![
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

/// `body` as one of lesson 5's strings: its length in 8 digits, then the bytes.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("{:0width$}", body.len(), width = HEADER_LEN).into_bytes();
    framed.extend_from_slice(body);
    framed
}

/// Requests and replies, each framed, one after another in one buffer.
fn frames<'a>(bodies: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    bodies
        .into_iter()
        .flat_map(|body| frame(body.as_bytes()))
        .collect()
}

/// What a refusal looks like, for failure reports.
const REFUSAL: &str = "a string that starts with \"ERR \", like \"00000014ERR bad header\", then \
                       the connection closed";

/// A client of the store: one connection, and the requests sent on it, so that a failure can
/// show the request that got the wrong reply, and how to send them all again by hand.
pub struct KvClient {
    conn: Conn,
    requests: Vec<Vec<u8>>,
    /// The requests of the clients that came before this one in the step, whose effect it
    /// counts on (a SET it GETs): the commands to reproduce a failure send them first.
    earlier: Vec<Vec<Vec<u8>>>,
    bytewise: bool,
    port: u16,
}

impl KvClient {
    /// Connects to the server under test.
    pub fn connect(lab: &mut Lab) -> Result<KvClient, Failure> {
        Ok(KvClient {
            conn: lab.connect()?,
            requests: Vec::new(),
            earlier: Vec::new(),
            bytewise: false,
            port: lab.default_port,
        })
    }

    /// Connects after `before` has left: a failure's commands send `before`'s requests (and
    /// those of the clients before it) first, one client after another.
    pub fn connect_after(lab: &mut Lab, before: KvClient) -> Result<KvClient, Failure> {
        let mut client = KvClient::connect(lab)?;
        client.earlier = before.earlier;
        client.earlier.push(before.requests);
        drop(before.conn);
        Ok(client)
    }

    /// The connection, for steps that send bytes of their own.
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }

    /// Sends `request` as one frame in one write, and expects the frame of `reply` back.
    pub fn ask(&mut self, request: &str, reply: &str) -> StepResult {
        self.ask_bytes(request.as_bytes(), reply)
    }

    /// [`KvClient::ask`] for a request body that may not be UTF-8.
    pub fn ask_bytes(&mut self, request: &[u8], reply: &str) -> StepResult {
        self.requests.push(request.to_vec());
        self.bytewise = false;
        self.conn.send(&frame(request))?;
        self.expect_reply(reply)
    }

    /// [`KvClient::ask`], with the frame sent one byte per write.
    pub fn ask_bytewise(&mut self, request: &str, reply: &str) -> StepResult {
        self.requests.push(request.as_bytes().to_vec());
        self.bytewise = true;
        self.conn.send_bytewise(&frame(request.as_bytes()))?;
        self.expect_reply(reply)
    }

    /// Expects the frame of `reply`; a wrong one is explained where a common mistake explains
    /// it.
    fn expect_reply(&mut self, reply: &str) -> StepResult {
        self.conn
            .expect(&frame(reply.as_bytes()))
            .map_err(|failure| {
                let failure = explain_reply(failure, self.conn.unchecked(), reply);
                self.with_string_client(self.with_last_request(failure))
            })
    }

    /// The server must refuse a broken frame: one frame whose body starts with `ERR `, then
    /// the close, at once. `started` is when the checker sent it: a server that gave up only
    /// after --idle-timeout was waiting for something else.
    pub fn expect_refusal(&mut self, started: Instant) -> StepResult {
        let header = self.conn.receive(HEADER_LEN).map_err(|failure| {
            let waited = started.elapsed() >= idle_timeout().mul_f64(0.8);
            Failure {
                problem: "no ERR reply".to_string(),
                expected: Some(REFUSAL.to_string()),
                ..failure
            }
            .with_note(match waited {
                true => {
                    "The server sent nothing, and closed the connection only after \
                     --idle-timeout: it was waiting for more bytes. Refuse the frame as soon as \
                     its header is read: reply a string that starts with `ERR `, then close."
                }
                false => {
                    "The server closed the connection without a reply: first send a string \
                     that starts with `ERR ` (with `send_string`), then close."
                }
            })
        })?;
        let size = parse_header(&header)
            .filter(|size| *size <= 1000)
            .ok_or_else(|| self.refusal_failure(&header, "the reply's header is not a length"))?;
        let body = self.conn.receive(size)?;
        if !body.starts_with(b"ERR ") {
            let mut reply = header.clone();
            reply.extend_from_slice(&body);
            return Err(self.refusal_failure(&reply, "the reply must start with `ERR `"));
        }
        self.conn.expect_close().map_err(|failure| {
            failure.with_note(
                "After a broken frame, nobody can tell where the next request would start: the \
                 server replies once, then closes the connection at once.",
            )
        })
    }

    fn refusal_failure(&self, got: &[u8], problem: &str) -> Failure {
        let mut failure = self.conn.failure(problem.to_string());
        failure.expected = Some(REFUSAL.to_string());
        failure.received = Some(show_bytes(got));
        failure
    }

    /// Shows the last request as what was sent (the whole conversation is in the reproduce
    /// command), with how many came before it.
    fn with_last_request(&self, mut failure: Failure) -> Failure {
        let Some(last) = self.requests.last() else {
            return failure;
        };
        let pace = match self.bytewise {
            true => "one byte per write",
            false => "in one write",
        };
        let before = match self.requests.len() - 1 {
            0 => String::new(),
            1 => ", after 1 request answered as expected".to_string(),
            count => format!(", after {count} requests answered as expected"),
        };
        failure.sent = Some(format!(
            "{} ({pace}{before})",
            show_text_and_bytes(&frame(last))
        ));
        failure
    }

    /// Puts the command that sends the same requests, as lesson 5's string-client, in place of
    /// the `nc` line when it can (with the `nc` line as the other way, in the same command: it
    /// is not one more terminal); with the requests of the clients before this one first.
    fn with_string_client(&self, mut failure: Failure) -> Failure {
        let mut clients = self.earlier.clone();
        clients.push(self.requests.clone());
        // The connection's own `nc` line sends this client's bytes only (one byte per write,
        // with its note, for a bytewise step); with clients before it, send theirs too.
        let nc = match self.earlier.is_empty() {
            true => failure.reproduce.first().cloned(),
            false => Some(nc_command(self.port, &clients)),
        };
        if let Some(command) = reproduce_command(self.port, &clients, nc.as_deref()) {
            failure.reproduce = vec![command];
        } else if let Some(nc) = nc {
            failure.reproduce = vec![nc];
        }
        failure
    }
}

/// One command that sends each client's requests, as lesson 5's string-client, one client
/// after another, and then `nc_alternative` as the other way; `None` when the requests are
/// not text, or too long to type.
fn reproduce_command(
    port: u16,
    clients: &[Vec<Vec<u8>>],
    nc_alternative: Option<&str>,
) -> Option<String> {
    let mut runs = Vec::new();
    for requests in clients {
        let mut command = format!("cargo run -q --bin string-client -- --port {port}");
        for request in requests {
            let text = std::str::from_utf8(request).ok()?;
            command.push_str(&format!(" --message '{}'", text.replace('\'', "'\\''")));
        }
        runs.push(command);
    }
    let command = runs.join("; ");
    if command.len() > 400 {
        return None;
    }
    Some(match nc_alternative {
        Some(nc) => format!("{command}    (or, with nc: {nc})"),
        None => command,
    })
}

/// The `nc` commands that send each client's requests, framed, one client after another.
fn nc_command(port: u16, clients: &[Vec<Vec<u8>>]) -> String {
    clients
        .iter()
        .map(|requests| {
            let bytes: Vec<u8> = requests.iter().flat_map(|request| frame(request)).collect();
            format!(
                "printf '{}' | nc -N 127.0.0.1 {port}",
                printf_escape(&bytes)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The size a header says, if it is 8 ASCII digits.
pub fn parse_header(header: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(header).ok()?;
    match header.iter().all(u8::is_ascii_digit) {
        true => text.parse().ok(),
        false => None,
    }
}

/// The `--idle-timeout` the checker gives the server.
fn idle_timeout() -> Duration {
    Duration::from_secs_f64(IDLE_TIMEOUT.parse().unwrap_or(1.0))
}

/// Adds what a wrong reply most likely means.
fn explain_reply(failure: Failure, got: &[u8], reply: &str) -> Failure {
    if got.len() >= HEADER_LEN && parse_header(&got[..HEADER_LEN]).is_none() {
        return failure.with_note(
            "The reply has no length header: every reply is a string with its length first, \
             as `send_string` sends it.",
        );
    }
    if got.is_empty() {
        return failure;
    }
    let body = String::from_utf8_lossy(got.get(HEADER_LEN..).unwrap_or_default());
    if reply == "ERR not an integer" && body.starts_with('-') {
        return failure.with_note(
            "The number went round to the most negative i64: adding 1 to i64::MAX overflows. \
             `checked_add(1)` says when it would.",
        );
    }
    if reply == "ERR unknown command" {
        return failure.with_note(
            "The command is the body up to its first space, exactly as written; GET, DEL and \
             INCR take a key (one or more characters, no spaces), SET a key and a value.",
        );
    }
    failure
}

/// One well-behaved client: a SET, then a GET of the same key.
pub fn served(lab: &mut Lab) -> StepResult {
    let mut client = KvClient::connect(lab)?;
    client.ask("SET served yes", "OK")?;
    client.ask("GET served", "yes")
}

/// The happy path of SET and GET: values with spaces, a value replaced, an empty value.
pub fn set_and_get(lab: &mut Lab) -> StepResult {
    let mut client = KvClient::connect(lab)?;
    client.ask("SET name Ada", "OK")?;
    client.ask("GET name", "Ada")?;
    client.ask("SET greeting hello,  big world ", "OK")?;
    client.ask("GET greeting", "hello,  big world ")?;
    client.ask("SET name Grace Hopper", "OK")?;
    client.ask("GET name", "Grace Hopper")?;
    client.ask("SET note ", "OK")?;
    client.ask("GET note", "")
}

/// NOT FOUND for a key that is not there, before and after a DEL.
pub fn missing_keys_and_del(lab: &mut Lab) -> StepResult {
    let mut client = KvClient::connect(lab)?;
    client.ask("GET nobody", "NOT FOUND")?;
    client.ask("DEL nobody", "NOT FOUND")?;
    client.ask("SET city Paris", "OK")?;
    client.ask("DEL city", "OK")?;
    client.ask("GET city", "NOT FOUND")?;
    client.ask("DEL city", "NOT FOUND")
}

/// INCR from nothing, on a negative number, on text and at the edge of i64.
pub fn incr(lab: &mut Lab) -> StepResult {
    let mut client = KvClient::connect(lab)?;
    client.ask("INCR visits", "1")?;
    client.ask("INCR visits", "2")?;
    client.ask("GET visits", "2")?;
    client.ask("SET temperature -3", "OK")?;
    client.ask("INCR temperature", "-2")?;
    client.ask("SET word abc", "OK")?;
    client.ask("INCR word", "ERR not an integer")?;
    client.ask("GET word", "abc")?;
    client.ask("SET half 2.5", "OK")?;
    client.ask("INCR half", "ERR not an integer")?;
    let max = i64::MAX.to_string();
    client.ask(&format!("SET max {max}"), "OK")?;
    client.ask("INCR max", "ERR not an integer")?;
    client.ask("GET max", &max)
}

/// Bodies that are no command: the reply says so, and the connection goes on.
pub fn unknown_commands(lab: &mut Lab) -> StepResult {
    let mut client = KvClient::connect(lab)?;
    for request in [
        "PING",
        "get name",
        "",
        "GET",
        "SET lonely",
        "INCR",
        "DEL",
        "GET a b",
        "DEL a b",
        "INCR a b",
        "SET  empty-key",
    ] {
        client.ask(request, "ERR unknown command")?;
    }
    client.ask("SET still here", "OK")?;
    client.ask("GET still", "here")
}

/// What one client stores, the next finds; each closes without a word, as clients do.
pub fn store_outlives_clients(lab: &mut Lab) -> StepResult {
    let mut first = KvClient::connect(lab)?;
    first.ask("SET shared from the first client", "OK")?;
    first.ask("INCR clients", "1")?;
    let mut second = KvClient::connect_after(lab, first)?;
    let note = "The store lives as long as the server, not as long as one client: keep it \
                outside the function that serves a client (in `main`).";
    second
        .ask("GET shared", "from the first client")
        .map_err(|failure| failure.with_note(note))?;
    second.ask("INCR clients", "2")?;
    let mut third = KvClient::connect_after(lab, second)?;
    third.ask("INCR clients", "3")
}

/// Each request in 1-byte writes: a header, and a body, may arrive cut anywhere.
pub fn bytewise(lab: &mut Lab) -> StepResult {
    let mut client = KvClient::connect(lab)?;
    let note = "A receive returns what has arrived so far: read the 8 bytes of the header, then \
                exactly the length it says (`read_frame` does both).";
    for (request, reply) in [("SET snack grüße", "OK"), ("GET snack", "grüße")] {
        client
            .ask_bytewise(request, reply)
            .map_err(|failure| failure.with_note(note))?;
    }
    Ok(())
}

/// Five requests in one write, so that one receive may bring all of them.
pub fn several_in_one_write(lab: &mut Lab) -> StepResult {
    let mut client = KvClient::connect(lab)?;
    let requests = [
        "SET burst 41",
        "INCR burst",
        "GET burst",
        "DEL burst",
        "GET burst",
    ];
    let replies = ["OK", "42", "42", "OK", "NOT FOUND"];
    client.conn().send(&frames(requests))?;
    client.conn().expect(&frames(replies)).map_err(|failure| {
        failure.with_note(
            "One receive can bring several requests: read exactly one frame at a time (the \
             header, then as many bytes as it says), and answer each, in order.",
        )
    })
}

/// A body that is not UTF-8 in a whole frame: a reply, and the next request is answered.
pub fn not_utf8(lab: &mut Lab) -> StepResult {
    let mut client = KvClient::connect(lab)?;
    let note = "The frame is whole, so the stream is still in step: reply `ERR not UTF-8` and go \
                on with the next request. (read_string's NotUtf8 error is meant for programs \
                that close instead: read with read_frame and decode with std::str::from_utf8.)";
    client
        .ask_bytes(b"SET bytes \xff\xfe", "ERR not UTF-8")
        .map_err(|failure| failure.with_note(note))?;
    client.ask("GET bytes", "NOT FOUND")?;
    client.ask("SET bytes ok", "OK")
}

/// A body of exactly 70000 bytes, and a reply of nearly as many.
pub fn largest_request(lab: &mut Lab) -> StepResult {
    let mut client = KvClient::connect(lab)?;
    let prefix = "SET large ";
    let value = "v".repeat(MAX_REQUEST - prefix.len());
    let note = "A request of 70000 bytes is allowed: only a length over 70000 is refused.";
    client
        .ask(&format!("{prefix}{value}"), "OK")
        .map_err(|failure| failure.with_note(note))?;
    client.ask("GET large", &value)
}

/// A header that announces 70001 bytes, and no body: refused at once.
pub fn too_long(lab: &mut Lab) -> StepResult {
    let mut client = KvClient::connect(lab)?;
    let started = Instant::now();
    client
        .conn()
        .send(format!("{:08}", MAX_REQUEST + 1).as_bytes())?;
    client.expect_refusal(started)
}

/// Headers that are not 8 digits, each on a connection of its own.
pub fn bad_headers(lab: &mut Lab) -> StepResult {
    for header in ["abcdefgh", "-0000001", " 0000005", "+0000005"] {
        let mut client = KvClient::connect(lab)?;
        let started = Instant::now();
        client.conn().send(header.as_bytes())?;
        client.expect_refusal(started)?;
    }
    served(lab)
}

/// Half a request, then the client's end of the stream: no reply, the connection closes, and
/// the next client is served.
pub fn closes_mid_request(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(b"00000012SET ha")?;
    conn.half_close()?;
    common::expect_no_reply(&mut conn, "a request cut short by the client's close").map_err(
        |failure| {
            failure.with_note(
                "The client closed its side in the middle of a request: it will send nothing more, \
             so there is nothing to answer. Close the connection (`read_frame` returns \
             Truncated).",
            )
        },
    )?;
    lab.expect_running()?;
    served(lab)
}

/// A client that connects and closes at once.
pub fn closes_at_once(lab: &mut Lab) -> StepResult {
    common::closes_at_once(lab, served)
}

/// A client that resets the connection after half a request.
pub fn resets(lab: &mut Lab) -> StepResult {
    common::resets(lab, b"00000020SET half", served)
}

/// A client that sends nothing is dropped after --idle-timeout.
pub fn silent(lab: &mut Lab) -> StepResult {
    common::silent_client_dropped(lab, served)
}

/// A restart on the same port, right after serving a client.
pub fn restarts(lab: &mut Lab) -> StepResult {
    common::restarts_at_once(lab, served)
}

#[cfg(test)]
mod tests {
    use super::{frame, frames, nc_command, parse_header, reproduce_command};

    #[test]
    fn a_second_clients_failure_is_reproduced_with_the_first_clients_requests_in_one_terminal() {
        let first: Vec<Vec<u8>> = vec![
            b"SET shared from the first client".to_vec(),
            b"INCR clients".to_vec(),
        ];
        let second: Vec<Vec<u8>> = vec![b"GET shared".to_vec()];
        let clients = [first, second];
        let nc = nc_command(8889, &clients);
        let command = reproduce_command(8889, &clients, Some(&nc)).expect("a command");
        assert_eq!(
            command,
            "cargo run -q --bin string-client -- --port 8889 --message 'SET shared from the \
             first client' --message 'INCR clients'; cargo run -q --bin string-client -- --port \
             8889 --message 'GET shared'    (or, with nc: printf '00000032SET shared from the \
             first client00000012INCR clients' | nc -N 127.0.0.1 8889; printf '00000010GET \
             shared' | nc -N 127.0.0.1 8889)"
        );
        // Not text: no string-client command, the nc line is used instead.
        assert_eq!(reproduce_command(8889, &[vec![vec![0xff]]], None), None);
    }

    #[test]
    fn frames_carry_their_length_in_8_digits() {
        assert_eq!(frame(b"GET name"), b"00000008GET name");
        assert_eq!(frame("grüße".as_bytes()), "00000007grüße".as_bytes());
        assert_eq!(frames(["OK", ""]), b"00000002OK00000000");
    }

    #[test]
    fn only_8_ascii_digits_are_a_header() {
        assert_eq!(parse_header(b"00000014"), Some(14));
        assert_eq!(parse_header(b"-0000001"), None);
        assert_eq!(parse_header(b" 0000005"), None);
    }
}
