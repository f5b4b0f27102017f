//! Exercise `kv-server-threads` (lesson 8): exercise `kv-server`'s store, serving many clients
//! at once.
//!
//! The task: the same key-value store as lesson 5's exercise `kv-server`, with the same
//! protocol, but each client is served on a thread of its own, so that a client that is slow,
//! silent or not reading its replies delays nobody else (never hold the store's lock while a
//! read or a send waits for a client). All clients share ONE store: what one client stores,
//! every other client finds at once, even while the first is still connected; and when many
//! clients send `INCR counter` at the same time, no count is lost (50 clients sending 100 each
//! leave `GET counter` at `5000`). The kv protocol is written below already (its rules are
//! kv-server's, checked by the same steps); your part is the sharing and the threads.
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
//! - The command is the body up to its first space, exactly as written. A key is one or more
//!   characters without spaces; `SET`'s value is everything after the key and its space (it
//!   may be empty). `INCR`: a missing key counts as 0; a value that is not an i64, or that
//!   adding 1 would overflow, gets `ERR not an integer` and stays as it was.
//! - A broken frame ends the connection: a header that is not 8 ASCII digits gets
//!   `ERR bad header`, a length over 70000 gets `ERR too long`, then the server closes the
//!   connection at once, without reading any body.
//! - At most `--max-clients` clients (64 unless told otherwise) are served at once. A client
//!   that connects while that many are connected gets the reply `ERR server full` at once,
//!   before it sends anything (`00000015ERR server full`), and its connection is closed; it
//!   does not count. Clients count from the moment they are accepted, in the order they
//!   connected: of six that connect at once under `--max-clients 2`, the first two are served
//!   and the other four refused. As soon as a client leaves, however it leaves (it closes,
//!   resets, is dropped for --idle-timeout, or is refused for a broken frame), its place is
//!   free again.
//! - A client that sends nothing for `--idle-timeout` seconds is closed (that one client only).
//!
//! An example, with two clients connected at the same time:
//!
//! ```text
//! client A sends:   00000012SET name Ada
//! server to A:      00000002OK
//! client B sends:   00000008GET name
//! server to B:      00000003Ada
//! client B sends:   00000011INCR visits
//! server to B:      000000011            (the header 00000001, then the body 1)
//! with --max-clients 2, a client C connects while A and B are still connected:
//! server to C:      00000015ERR server full, then the server closes C's connection
//! ```
//!
//! Everything around your part is done: `exercises::listen_capped` reads the options (`--port`,
//! default 8890; `--host`; `--idle-timeout`; `--max-clients`), listens, prints
//! `listening on <ip>:<port>`, and returns the listening socket and the settings.
//! `serve_client` serves one client to the end, with its idle timeout, and the requests are
//! answered as in kv-server.
//!
//! - Run it:    `cargo run -p exercises --bin kv-server-threads`, then in a second terminal
//!   `nc 127.0.0.1 8890` (a client that says nothing; leave it open), and in a third
//!   `cargo run --bin string-client -- --port 8890 --message 'SET name Ada' --message 'GET name'`
//!   (lesson 5's client): it is answered at once. With `-- --max-clients 1`, the third is told
//!   `ERR server full`.
//! - Check it:  `cargo exercise check kv-server-threads`
//! - Stuck?     `cargo exercise hint kv-server-threads`; the lesson: `lessons/08-many-clients.md`,
//!   section "Exercise: kv-server-threads".

// Until you write the `todo!()`s below, some imports and variables are unused: this line keeps
// the compiler from warning about them. You may delete it once your server passes.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::collections::HashMap;
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use exercises::Settings;
use netlesson::framing::{FrameError, read_frame, send_string};
use netlesson::log;
use netlesson::server::{report_client, set_timeouts};

/// The port kv-server-threads listens on unless `--port` says otherwise.
const PORT: u16 = 8890;

/// The largest request body, in bytes.
const MAX_REQUEST: usize = 70_000;

/// The keys and their values.
type Store = HashMap<String, String>;

fn main() -> ExitCode {
    netlesson::finish(run(), None)
}

/// Listens, then serves each client on a thread of its own, all of them with one store.
fn run() -> Result<()> {
    let (listener, settings) = exercises::listen_capped(PORT)?;
    // TODO (lesson 8, "A thread per client" and "Sharing numbers between threads"): make ONE
    // store for the whole server, `Arc::new(Mutex::new(Store::new()))`, and the number of
    // clients connected now, `Arc::new(Mutex::new(0))`. Then loop: accept a client
    // (`netlesson::server::accept(&listener)`, which pauses after a failure); if `admit`
    // says no, `refuse` it and go on; else start a thread with `thread::spawn(move || ...)`
    // that gets its own `Arc::clone` of both, runs `serve_client`, then `leave`s, then prints
    // how it went with `report_client(peer, result, settings.idle_timeout)`.
    todo!("one store for all clients, and a thread for each client")
}

/// Counts a newly accepted client in, if fewer than `max_clients` are connected.
fn admit(connected: &Mutex<usize>, max_clients: usize) -> bool {
    // TODO (lesson 8, "The cap"): under one lock, check the number against `max_clients`,
    // and add 1 only if there is room.
    todo!("count the client in, if there is room")
}

/// Gives a client's place back when it has left.
fn leave(connected: &Mutex<usize>) {
    // TODO (lesson 8, "The cap"): one less client connected.
    todo!("give the place back")
}

/// Tells a client that came past the cap why it is turned away. Its connection closes when
/// `client` is dropped, at the end of this function.
fn refuse(mut client: TcpStream, peer: SocketAddr, max_clients: usize) {
    // TODO (lesson 8, "The cap"): send the string `ERR server full` with `send_string`, and
    // print one line about the client with `log!` (the server goes on whatever happens here).
    todo!("send ERR server full")
}

/// Locks `shared`. `lock()` fails only if a thread panicked while it held the lock; ours never
/// do, and a store whose last change was cut short is still a store, so take it as it is
/// rather than fail every later client.
fn lock<T>(shared: &Mutex<T>) -> MutexGuard<'_, T> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One client, on its own thread: its timeouts, then its requests until it leaves. An error is
/// printed as one line about the client.
fn serve_client(mut client: TcpStream, store: &Mutex<Store>, settings: Settings) -> Result<()> {
    set_timeouts(&client, settings.idle_timeout).context("could not set timeouts")?;
    answer_requests(&mut client, store)
}

/// Answers `client`'s requests, one reply per request, until it closes the connection.
fn answer_requests(client: &mut TcpStream, store: &Mutex<Store>) -> Result<()> {
    loop {
        let request = match read_frame(client, MAX_REQUEST) {
            Ok(Some(request)) => request,
            Ok(None) => return Ok(()),
            Err(error) => return refuse_frame(client, error),
        };
        let reply = match std::str::from_utf8(&request) {
            Ok(text) => reply_locked(text, store),
            Err(_) => "ERR not UTF-8".to_string(),
        };
        send_string(client, &reply).context("could not send the reply")?;
    }
}

/// The reply to one request, with the store locked for exactly as long as it takes.
fn reply_locked(request: &str, store: &Mutex<Store>) -> String {
    // TODO (lesson 8, "Sharing numbers between threads"): lock the store, and give what the
    // guard holds to `reply_to` (lessons/rust-you-need.md, "A guard where a reference is
    // wanted"). Hold the lock for the whole request and no longer: never
    // while waiting for a client.
    todo!("the reply to `request`, with the store locked")
}

/// A frame we cannot read: after a bad header or a length over the limit, nobody knows where
/// the next request would start. Say why in one last reply, and close.
fn refuse_frame(client: &mut TcpStream, error: FrameError) -> Result<()> {
    let reply = match &error {
        FrameError::BadHeader { .. } => "ERR bad header",
        FrameError::TooLarge { .. } => "ERR too long",
        _ => return Err(error).context("could not receive a request"),
    };
    send_string(client, reply).context("could not send the reply")?;
    Err(error).context("refused a request")
}

/// The reply to one request: kv-server's, unchanged. No sockets and no threads here.
fn reply_to(request: &str, store: &mut Store) -> String {
    let (command, argument) = request.split_once(' ').unwrap_or((request, ""));
    match command {
        "SET" => match argument.split_once(' ') {
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
    let Some(next) = current.and_then(|number| number.checked_add(1)) else {
        return "ERR not an integer".to_string();
    };
    store.insert(key.to_string(), next.to_string());
    next.to_string()
}
