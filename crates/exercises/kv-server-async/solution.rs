//! Exercise `kv-server-async` (lesson 10), the reference solution. Try it yourself first: your
//! file is `crates/exercises/kv-server-async/kv-server-async.rs`.
//!
//! Exercise `kv-server-threads`' store (lesson 8), with tokio on one thread: a task per client,
//! one store shared by all of them behind a `Mutex` never held across an `.await`, at most
//! `--max-clients` clients at a time, and `--idle-timeout` as a `tokio::time::timeout`. The
//! protocol is kv-server's, unchanged: `SET`, `GET`, `DEL`, `INCR` over lesson 5's strings.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use anyhow::{Context, Result};
use exercises::Settings;
use exercises::frames::{read_frame, send_string};
use netlesson::framing::FrameError;
use netlesson::log;
use netlesson::server::{ACCEPT_PAUSE, AcceptFailures, report_client};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

/// The port kv-server-async listens on unless `--port` says otherwise.
const PORT: u16 = 8891;

/// The largest request body, in bytes.
const MAX_REQUEST: usize = 70_000;

/// The keys and their values.
type Store = HashMap<String, String>;

fn main() -> ExitCode {
    // One thread: tokio's scheduler runs every client's task on it.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the tokio runtime");
    let result = runtime.and_then(|runtime| runtime.block_on(run()));
    netlesson::finish(result, None)
}

/// Listens, then serves each client in a task of its own, all of them with one store.
async fn run() -> Result<()> {
    let (listener, settings) = exercises::listen_capped(PORT)?;
    listener.set_nonblocking(true)?;
    let listener = TcpListener::from_std(listener)?;
    let store = Arc::new(Mutex::new(Store::new()));
    let connected = Arc::new(Mutex::new(0));
    let mut failures = AcceptFailures::default();
    loop {
        let (client, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Usually out of file descriptors. Says so once per burst, and pauses with a
                // tokio sleep: the other clients go on being served meanwhile.
                failures.failed(&error);
                tokio::time::sleep(ACCEPT_PAUSE).await;
                continue;
            }
        };
        failures.succeeded(peer);
        if !admit(&connected, settings.max_clients) {
            refuse(client, peer, settings.max_clients).await;
            continue;
        }
        log!("accepted connection from {peer}");
        let store = Arc::clone(&store);
        let leaving = Arc::clone(&connected);
        tokio::spawn(async move {
            let result = serve_client(client, &store, settings).await;
            // Give the place back before saying so: whoever reads the line can count on it.
            leave(&leaving);
            report_client(peer, result, settings.idle_timeout);
        });
    }
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
    loop {
        let request =
            match timeout(settings.idle_timeout, read_frame(&mut client, MAX_REQUEST)).await {
                Ok(Ok(Some(request))) => request,
                Ok(Ok(None)) => return Ok(()),
                Ok(Err(error)) => return refuse_frame(&mut client, error).await,
                Err(_elapsed) => {
                    let timed_out = std::io::Error::from(std::io::ErrorKind::TimedOut);
                    return Err(FrameError::Io(timed_out)).context("could not receive a request");
                }
            };
        let reply = match std::str::from_utf8(&request) {
            // The guard is a temporary: the lock is released at the end of this statement,
            // before the `.await` below, where other tasks run.
            Ok(text) => reply_to(text, &mut lock(store)),
            Err(_) => "ERR not UTF-8".to_string(),
        };
        let sent = timeout(settings.idle_timeout, send_string(&mut client, &reply)).await;
        match sent {
            Ok(result) => result.context("could not send the reply")?,
            Err(_elapsed) => {
                return Err(FrameError::PeerStoppedReading).context("could not send the reply");
            }
        }
    }
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
