//! Exercise `kv-server` (lesson 5), the reference solution. Try it yourself first: your file
//! is `crates/exercises/kv-server/kv-server.rs`.
//!
//! A key-value store over lesson 5's length-prefixed strings: `SET key value` -> `OK`,
//! `GET key` -> the value or `NOT FOUND`, `DEL key` -> `OK` or `NOT FOUND`, `INCR key` -> the
//! new number or `ERR not an integer`, anything else -> `ERR unknown command`. A body that is
//! not UTF-8 gets `ERR not UTF-8`. A broken frame (a header that is not 8 digits, or a length
//! over 70000) gets `ERR bad header` or `ERR too long`, and the connection closes. The store
//! lives as long as the server.
//!
//! The commands live in `reply_to`, apart from the socket code, so that another server
//! (lesson 8's, with threads) can answer the same requests without changing them.

use std::collections::HashMap;
use std::net::TcpStream;
use std::process::ExitCode;

use anyhow::{Context, Result};
use netlesson::Traced;
use netlesson::framing::{FrameError, read_frame, send_string};

/// The port kv-server listens on unless `--port` says otherwise.
const PORT: u16 = 8889;

/// The largest request body, in bytes: a header that says more is refused before any body is
/// read, so a client cannot make the server store more than this.
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

/// Answers `client`'s requests, one reply per request, until it closes the connection.
fn answer_requests(client: &mut Traced<TcpStream>, store: &mut Store) -> Result<()> {
    loop {
        // read_frame checks the header and the limit before it reads (or stores) any body.
        let request = match read_frame(client, MAX_REQUEST) {
            Ok(Some(request)) => request,
            // The client closed the connection between two requests: it is done.
            Ok(None) => return Ok(()),
            Err(error) => return refuse(client, error),
        };
        // The frame is whole, so the stream is still in step: whatever is wrong with the
        // request itself gets a reply, and the next request follows.
        let reply = match std::str::from_utf8(&request) {
            Ok(text) => reply_to(text, store),
            Err(_) => "ERR not UTF-8".to_string(),
        };
        send_string(client, &reply).context("could not send the reply")?;
    }
}

/// A frame we cannot read. After a bad header or a length over the limit, nobody knows where
/// the next request would start: say why in one last reply, and close. When the connection
/// itself failed (closed in the middle of a request, reset, silent), there is nobody to tell.
fn refuse(client: &mut Traced<TcpStream>, error: FrameError) -> Result<()> {
    let reply = match &error {
        FrameError::BadHeader { .. } => "ERR bad header",
        FrameError::TooLarge { .. } => "ERR too long",
        _ => return Err(error).context("could not receive a request"),
    };
    send_string(client, reply).context("could not send the reply")?;
    Err(error).context("refused a request")
}

/// The reply to one request. The protocol, and nothing else: no sockets here.
fn reply_to(request: &str, store: &mut Store) -> String {
    // The command is the request up to its first space; what follows is its argument.
    let (command, argument) = request.split_once(' ').unwrap_or((request, ""));
    match command {
        "SET" => match argument.split_once(' ') {
            // The value is everything after the key and its space, spaces included.
            Some((key, value)) if is_key(key) => {
                store.insert(key.to_string(), value.to_string());
                "OK".to_string()
            }
            _ => "ERR unknown command".to_string(),
        },
        "GET" if is_key(argument) => match store.get(argument) {
            Some(value) => value.clone(),
            None => "NOT FOUND".to_string(),
        },
        "DEL" if is_key(argument) => match store.remove(argument) {
            Some(_) => "OK".to_string(),
            None => "NOT FOUND".to_string(),
        },
        "INCR" if is_key(argument) => increment(store, argument),
        _ => "ERR unknown command".to_string(),
    }
}

/// A key is one or more characters, without spaces.
fn is_key(text: &str) -> bool {
    !text.is_empty() && !text.contains(' ')
}

/// Adds 1 to the number stored under `key` (a missing key counts as 0) and returns the new
/// number; a value that is not an i64, or is i64::MAX already, stays as it is.
fn increment(store: &mut Store, key: &str) -> String {
    let current = match store.get(key) {
        Some(value) => value.parse::<i64>().ok(),
        None => Some(0),
    };
    // checked_add: `+` would panic on overflow in a debug build (and wrap in a release one).
    let Some(next) = current.and_then(|number| number.checked_add(1)) else {
        return "ERR not an integer".to_string();
    };
    store.insert(key.to_string(), next.to_string());
    next.to_string()
}
