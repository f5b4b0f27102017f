//! Exercise `kv-server` (lesson 5): a key-value store that speaks length-prefixed strings.
//!
//! The task: a client sends requests, as many as it likes on one connection, and gets one reply
//! for each. The server keeps keys and their values in memory for as long as it runs: what one
//! client stores, the next client finds. Clients are served one after another. Nothing a
//! client does may stop the server.
//!
//! Every request and every reply is one of lesson 5's strings: the length of its body in bytes,
//! as 8 ASCII digits with leading zeros, then the body, UTF-8 text (`00000005Hello`).
//!
//! | request (the body)       | reply (the body)                                             |
//! |--------------------------|--------------------------------------------------------------|
//! | `SET key value`          | `OK`, once `value` is stored under `key`                     |
//! | `GET key`                | the value stored under `key`, or `NOT FOUND`                 |
//! | `DEL key`                | `OK`, once `key` is removed, or `NOT FOUND`                  |
//! | `INCR key`               | the number under `key` plus 1, which is stored, as text      |
//! | anything else            | `ERR unknown command`                                        |
//! | a body that is not UTF-8 | `ERR not UTF-8`, and the connection goes on                  |
//!
//! - The command is the body up to its first space, exactly as written (`get` is unknown). A
//!   key is one or more characters without spaces, after the command and one space. For `SET`,
//!   the value is everything after the key and its space, spaces included; it may be empty
//!   (`SET note ` stores an empty value). `GET`, `DEL` and `INCR` take the key alone. Anything
//!   else is `ERR unknown command`: an empty body (`00000000`), `GET` without a key, `SET note`
//!   without the space after the key.
//! - `INCR`: a missing key counts as 0, so its first `INCR` replies `1`. A value that is not an
//!   i64 (`abc`, `2.5`), or that adding 1 would overflow, gets `ERR not an integer`, and stays
//!   as it was.
//! - A broken frame ends the connection: a header that is not 8 ASCII digits gets the reply
//!   `ERR bad header`, and a length over 70000 gets `ERR too long` (70000 is fine); then the
//!   server closes the connection at once, without reading any body. (The check accepts any
//!   reply that starts with `ERR ` for these two.) A client that closes in the middle of a
//!   request gets no reply.
//!
//! An example exchange:
//!
//! ```text
//! client sends:   00000012SET name Ada
//! server replies: 00000002OK
//! client sends:   00000008GET name
//! server replies: 00000003Ada
//! client sends:   00000011INCR visits
//! server replies: 000000011            (the header 00000001, then the body 1)
//! ```
//!
//! Everything around your part is done: `exercises::serve` reads the options (`--port`,
//! default 8889; `--host`; `--idle-timeout`), listens, prints `listening on <ip>:<port>` and
//! calls `answer_requests` for each client, one after another, with the same store.
//!
//! - Run it:    `cargo run -p exercises --bin kv-server`, then in a second terminal
//!   `cargo run --bin string-client -- --port 8889 --message 'SET name Ada' --message 'GET name'`
//!   (lesson 5's client: one connection, one string per `--message`), or with `nc`:
//!   `printf '00000012SET name Ada00000008GET name' | nc -N 127.0.0.1 8889`.
//! - Check it:  `cargo exercise check kv-server`
//! - Stuck?     `cargo exercise hint kv-server`; the lesson: `lessons/05-framing.md`,
//!   section "Exercise: kv-server".

// Until you write the `todo!()`s below, some imports and variables are unused: this line keeps
// the compiler from warning about them. You may delete it once your server passes.
#![allow(unused_imports, unused_variables, dead_code)]

use std::collections::HashMap;
use std::net::TcpStream;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use netlesson::Traced;
use netlesson::framing::{FrameError, read_frame, send_string};

/// The port kv-server listens on unless `--port` says otherwise.
const PORT: u16 = 8889;

/// The largest request body, in bytes.
const MAX_REQUEST: usize = 70_000;

/// The keys and their values.
type Store = HashMap<String, String>;

fn main() -> ExitCode {
    // The store belongs to `main`, not to one client: every client sees what the clients
    // before it stored, for as long as the server runs.
    let mut store = Store::new();
    exercises::serve(PORT, move |client, _address| {
        answer_requests(client, &mut store)
    })
}

/// Answers `client`'s requests, one reply per request, until it closes the connection. The
/// connection closes when this returns; an error you return is printed as one line, and the
/// server goes on to the next client.
fn answer_requests(client: &mut Traced<TcpStream>, store: &mut Store) -> Result<()> {
    // TODO (lesson 5, "The exercise: an average server"): average-server's loop, with
    // `read_frame(client, MAX_REQUEST)` instead of `read_string`, because a body that is not
    // UTF-8 gets a reply here (`std::str::from_utf8` tells). `Ok(None)`: the client is done.
    // `Err(FrameError::BadHeader { .. })` or `Err(FrameError::TooLarge { .. })`: send
    // `ERR bad header` or `ERR too long`, then return an error. Any other error: return it.
    // Send each reply with `send_string`.
    todo!("read each request with read_frame and send the reply to it")
}

/// The reply to one request (its body, decoded).
fn reply_to(request: &str, store: &mut Store) -> String {
    // TODO (lesson 5, "The exercise: an average server", `reply_to`): split the request at its
    // first space into the command and the rest, and match on the command: SET, GET, DEL,
    // INCR (with `increment`), anything else `ERR unknown command`.
    todo!("the reply to `request`: SET, GET, DEL, INCR or ERR unknown command")
}

/// Adds 1 to the number stored under `key` (a missing key counts as 0), stores it, and returns
/// it as the reply; or `ERR not an integer`.
fn increment(store: &mut Store, key: &str) -> String {
    // TODO (lesson 5, "The exercise: an average server", `average_of`): `parse::<i64>()` reads
    // the number, and `checked_add(1)` adds 1 without overflowing.
    todo!("the number under `key`, plus 1")
}
