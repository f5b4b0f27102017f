//! Exercise `kv-server-threads` (lesson 8), the reference solution. Try it yourself first: your
//! file is `crates/exercises/kv-server-threads/kv-server-threads.rs`.
//!
//! Exercise `kv-server`'s key-value store (lesson 5), serving many clients at once: a thread
//! per client, one store shared by all of them behind a `Mutex`, and at most `--max-clients`
//! clients at a time (the next one gets `ERR server full` and is closed). The protocol is
//! kv-server's, unchanged: `SET`, `GET`, `DEL`, `INCR` over lesson 5's length-prefixed strings.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;

use anyhow::{Context, Result};
use exercises::Settings;
use netlesson::framing::{FrameError, read_frame, send_string};
use netlesson::log;
use netlesson::server::{report_client, set_timeouts};

/// The port kv-server-threads listens on unless `--port` says otherwise.
const PORT: u16 = 8890;

/// The largest request body, in bytes: a header that says more is refused before any body is
/// read, so a client cannot make the server store more than this.
const MAX_REQUEST: usize = 70_000;

/// The keys and their values.
type Store = HashMap<String, String>;

fn main() -> ExitCode {
    netlesson::finish(run(), None)
}

/// Listens, then serves each client on a thread of its own, all of them with one store.
fn run() -> Result<()> {
    let (listener, settings) = exercises::listen_capped(PORT)?;
    // One store for the whole server, and the number of clients connected now. Every client's
    // thread owns a share of both (`Arc`), and changes them only through their lock (`Mutex`).
    let store = Arc::new(Mutex::new(Store::new()));
    let connected = Arc::new(Mutex::new(0));
    loop {
        // Pauses after a failed accept instead of spinning (out of file descriptors, say).
        let (client, peer) = netlesson::server::accept(&listener);
        if !admit(&connected, settings.max_clients) {
            refuse(client, peer, settings.max_clients);
            continue;
        }
        log!("accepted connection from {peer}");
        start_thread(client, peer, &store, &connected, settings);
    }
}

/// Serves `client` on a new thread of its own, and returns at once.
fn start_thread(
    client: TcpStream,
    peer: SocketAddr,
    store: &Arc<Mutex<Store>>,
    connected: &Arc<Mutex<usize>>,
    settings: Settings,
) {
    // The new thread's own handles on the store and on the count: `move` hands them over,
    // with `client`. The thread may outlive this function, so it cannot borrow from it.
    let store = Arc::clone(store);
    let leaving = Arc::clone(connected);
    let started = thread::Builder::new().spawn(move || {
        let result = serve_client(client, &store, settings);
        // Give the place back before saying so: whoever reads the line can count on it.
        leave(&leaving);
        report_client(peer, result, settings.idle_timeout);
    });
    // `thread::spawn` would panic when the system cannot start one more thread; `Builder`
    // says so instead. The closure was dropped without running: `client` is closed already.
    if let Err(error) = started {
        leave(connected);
        log!("client {peer}: no thread for it: {error}");
    }
}

/// Counts a newly accepted client in, if fewer than `max_clients` are connected.
fn admit(connected: &Mutex<usize>, max_clients: usize) -> bool {
    // Check and count under one lock: a client's thread may give its place back in between.
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

/// Tells a client that came past the cap why it is turned away. Its connection closes when
/// `client` is dropped, at the end of this function.
fn refuse(mut client: TcpStream, peer: SocketAddr, max_clients: usize) {
    // A new connection's send buffer is empty: this write does not wait for the client.
    let outcome = match send_string(&mut client, "ERR server full") {
        Ok(()) => "sent ERR server full, closed".to_string(),
        Err(error) => format!("could not send ERR server full: {error}"),
    };
    log!("client {peer}: {max_clients} clients are connected already (--max-clients): {outcome}");
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
        // No lock is held here: while this thread waits for its client, the others use the store.
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
    // The guard is a temporary: the lock is released at the end of this statement, before the
    // reply is sent. All of one request happens under one lock, so INCR's read and write cannot
    // be split by another client's INCR (which would lose a count).
    reply_to(request, &mut lock(store))
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
