//! Exercise `kv-server-async` (lesson 10): exercise `kv-server-threads`' store, on one thread
//! with tokio.
//!
//! The task: the same key-value store as lesson 8's exercise `kv-server-threads`, with the same
//! protocol and the same rules (one store for all clients, `--max-clients`, `--idle-timeout`),
//! but every client is served by a tokio *task* on ONE thread, instead of a thread of its own:
//! 1000 clients connected at once must all be answered. The kv protocol is written below
//! already; your part is the runtime, the tasks and the timeouts.
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
//!   that connects while that many are connected gets the reply `ERR server full` at once
//!   (`00000015ERR server full`), and its connection is closed; it does not count. As soon as
//!   a client leaves, however it leaves, its place is free again.
//! - A client that sends nothing for `--idle-timeout` seconds is closed (that one client only).
//! - No client waits for another: nothing in a task may block the thread (no
//!   `std::thread::sleep`, no `std::net` socket), and the store's lock is never held across an
//!   `.await`.
//!
//! Everything around your part is done: `exercises::listen_capped` reads the options (`--port`,
//! default 8891; `--host`; `--idle-timeout`; `--max-clients`), listens, prints
//! `listening on <ip>:<port>`, and returns a std listening socket and the settings;
//! `exercises::frames` reads and sends lesson 5's strings with `.await`.
//!
//! - Run it:    `cargo run -p exercises --bin kv-server-async`, then in a second terminal
//!   `nc 127.0.0.1 8891` (a client that says nothing; leave it open), and in a third
//!   `cargo run --bin string-client -- --port 8891 --message 'SET name Ada' --message 'GET name'`
//!   (lesson 5's client): it is answered at once.
//! - Check it:  `cargo exercise check kv-server-async`
//! - Stuck?     `cargo exercise hint kv-server-async`; the lesson: `lessons/10-async.md`,
//!   section "Exercise: kv-server-async".

// Until you write the `todo!()`s below, some imports and variables are unused: this line keeps
// the compiler from warning about them. You may delete it once your server passes.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result};
use exercises::Settings;
use exercises::frames::{read_frame, send_string};
use netlesson::framing::FrameError;
use netlesson::log;
use netlesson::server::report_client;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

/// The port kv-server-async listens on unless `--port` says otherwise.
const PORT: u16 = 8891;

/// The largest request body, in bytes.
const MAX_REQUEST: usize = 70_000;

/// The keys and their values.
type Store = HashMap<String, String>;

fn main() -> ExitCode {
    // TODO (lesson 10, "async fn: the state machine the compiler writes"): build tokio's
    // current-thread runtime (`tokio::runtime::Builder::new_current_thread().enable_all()
    // .build()`), and run `run()` on it with `block_on`; pass what it returns to
    // `netlesson::finish(result, None)`.
    todo!("start tokio's runtime on this thread, and run `run` on it")
}

/// Listens, then serves each client in a task of its own, all of them with one store.
async fn run() -> Result<()> {
    let (listener, settings) = exercises::listen_capped(PORT)?;
    // TODO (lesson 10, "async fn" and "Tasks and threads"): make the std listener a tokio one
    // (`set_nonblocking(true)`, then `TcpListener::from_std`); make ONE store and the count of
    // clients connected, as in kv-server-threads. Then loop: `accept().await` a client; if
    // `admit` says no, `refuse(...).await` it and go on; else `tokio::spawn(async move { ... })`
    // a task that serves it (`serve_client(...).await`), then `leave`s, then prints how it went
    // with `report_client(peer, result, settings.idle_timeout)`.
    todo!("a tokio task for each client, one store for all")
}

/// Counts a newly accepted client in, if fewer than `max_clients` are connected.
fn admit(connected: &Mutex<usize>, max_clients: usize) -> bool {
    let mut connected = lock(connected);
    if *connected >= max_clients {
        return false;
    }
    *connected += 1;
    true
}

/// Gives a client's place back when it has left.
fn leave(connected: &Mutex<usize>) {
    *lock(connected) -= 1;
}

/// Tells a client that came past the cap why it is turned away; its connection closes when
/// `client` is dropped, at the end of this function.
async fn refuse(mut client: TcpStream, peer: SocketAddr, max_clients: usize) {
    // A new connection's send buffer is empty: this write completes at once.
    let outcome = match send_string(&mut client, "ERR server full").await {
        Ok(()) => "sent ERR server full, closed".to_string(),
        Err(error) => format!("could not send ERR server full: {error}"),
    };
    log!("client {peer}: {max_clients} clients are connected already (--max-clients): {outcome}");
}

/// Locks `shared` (a lock whose holder panicked is taken as it is: see kv-server-threads).
fn lock<T>(shared: &Mutex<T>) -> MutexGuard<'_, T> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Answers `client`'s requests, one reply per request, until it closes the connection, goes
/// quiet for `--idle-timeout`, or sends a broken frame.
async fn serve_client(
    mut client: TcpStream,
    store: &Mutex<Store>,
    settings: Settings,
) -> Result<()> {
    // TODO (lesson 10, "Timeouts, select! and cancellation"): loop: read the next request with
    // `read_frame(&mut client, MAX_REQUEST).await`, inside `timeout(settings.idle_timeout, ...)`
    // (time out: return an error; `Ok(None)`: the client has left; an error: `refuse_frame`).
    // Answer it with `reply_to(text, &mut lock(store))` (a body that is not UTF-8 gets `ERR not
    // UTF-8`): the lock is released at the end of that statement, before any `.await`. Send the
    // reply with `send_string(&mut client, &reply).await`.
    todo!("read each request within --idle-timeout, answer it, send the reply")
}

/// A frame we cannot read: after a bad header or a length over the limit, nobody knows where
/// the next request would start. Say why in one last reply, and close.
async fn refuse_frame(client: &mut TcpStream, error: FrameError) -> Result<()> {
    let reply = match &error {
        FrameError::BadHeader { .. } => "ERR bad header",
        FrameError::TooLarge { .. } => "ERR too long",
        _ => return Err(error).context("could not receive a request"),
    };
    send_string(client, reply)
        .await
        .context("could not send the reply")?;
    Err(error).context("refused a request")
}

/// The reply to one request: kv-server's, unchanged. No sockets, no tasks, no `.await` here.
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
