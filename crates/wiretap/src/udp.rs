//! `wiretap udp`: forwards datagrams both ways and shows each one; can drop, duplicate and
//! reorder them, repeatably.
//!
//! UDP has no connections, so wiretap keeps a *mapping* per client address: the first
//! datagram from a new address opens a socket towards the server for that client (so the
//! server's replies on it can only be for that client), and a thread that passes the replies
//! back. A mapping that carries nothing either way for `--idle-timeout` is forgotten.
//!
//! Each datagram is numbered per mapping and direction (datagram 1, 2, ... from the client;
//! datagram 1, 2, ... from the server), and its fate is decided in this order:
//!
//! 1. `--drop P`: with probability P it is lost, and nothing else happens to it;
//! 2. `--duplicate P`: otherwise, with probability P it will be sent twice in a row;
//! 3. `--reorder`: every other surviving datagram (the 1st, 3rd, ...) is held back and sent
//!    right after the next one, or after `--hold` if none follows in time. One thread, the
//!    *timer*, releases the datagrams whose time has come, in the order they are due.
//!
//! Drop and duplicate come from `--seed` (see `chance.rs`): the same seed gives the same
//! decisions for the same datagrams, whatever the timing. Reordering uses no chance.

use std::cmp::{Ordering as Order, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use netlesson::show::{count, explain_io as explain};

use crate::chance::{self, SplitMix64};
use crate::{Common, as_typed, either, is_timeout, log};

/// Room for the largest possible UDP datagram.
const BUFFER_SIZE: usize = 65_536;

/// Options of `wiretap udp`.
#[derive(Debug, Clone, Args)]
pub struct Options {
    #[command(flatten)]
    pub common: Common,

    /// Lose each datagram with probability P, from 0 (never) to 1 (always): 0.5 loses about
    /// half
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_probability)]
    pub drop: f64,

    /// Send each datagram that is not lost twice, with probability P (0 to 1)
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_probability)]
    pub duplicate: f64,

    /// Hold every other datagram back and send it after the next one, so they arrive swapped
    #[arg(long)]
    pub reorder: bool,

    /// With --reorder: send a held datagram anyway when no other follows within this many
    /// seconds (0.5, or 500ms; 0.5 by default)
    #[arg(long, value_name = "SECONDS", value_parser = netlesson::parse_seconds,
          conflicts_with = "hold_ms")]
    pub hold: Option<Duration>,

    /// The same as --hold, in milliseconds
    #[arg(long, value_name = "N")]
    pub hold_ms: Option<u64>,

    /// Seed for --drop and --duplicate: the same seed loses and copies the same datagrams on
    /// every run (without it, wiretap picks a seed and prints it)
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// Seconds without a datagram from or to a client after which wiretap forgets it (and
    /// closes the socket it opened for it)
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = netlesson::parse_seconds)]
    pub idle_timeout: Duration,

    /// The most clients forwarded at once (each takes a socket and a thread until it has been
    /// idle for --idle-timeout); a datagram from one more client is dropped, and logged
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_clients: u32,
}

fn parse_probability(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "`{text}` is not a probability from 0 to 1 (e.g. 0.25)"
        )),
    }
}

/// How long `--reorder` holds a datagram when neither `--hold` nor `--hold-ms` is given.
const DEFAULT_HOLD_MS: u64 = 500;

impl Options {
    /// `--hold` (or `--hold-ms`, or the default).
    fn hold(&self) -> Duration {
        either(self.hold, self.hold_ms.or(Some(DEFAULT_HOLD_MS)))
    }

    /// The options that change what is forwarded, as typed: ` with --drop 0.5 --seed 1`.
    fn disturbances(&self, seed: u64) -> String {
        let mut text = String::new();
        if self.drop > 0.0 {
            text.push_str(&format!(" --drop {}", self.drop));
        }
        if self.duplicate > 0.0 {
            text.push_str(&format!(" --duplicate {}", self.duplicate));
        }
        if self.reorder {
            let hold_ms = self.hold_ms.or(Some(DEFAULT_HOLD_MS));
            text.push_str(&format!(
                " --reorder{}",
                as_typed("hold", self.hold, hold_ms)
            ));
        }
        if self.drop > 0.0 || self.duplicate > 0.0 {
            text.push_str(&format!(" --seed {seed}"));
        }
        match text.is_empty() {
            true => text,
            false => format!(" with{text}"),
        }
    }
}

/// Which way a datagram goes; also the number of its chance stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    ClientToServer = 0,
    ServerToClient = 1,
}

impl Direction {
    fn label(self) -> &'static str {
        match self {
            Direction::ClientToServer => "client->server",
            Direction::ServerToClient => "server->client",
        }
    }
}

/// The proxy: the socket clients send to, a mapping per client address, and the datagrams
/// held by `--reorder`.
struct Proxy {
    socket: UdpSocket,
    options: Options,
    seed: u64,
    mappings: Mutex<HashMap<SocketAddr, Arc<Mapping>>>,
    last_number: AtomicU64,
    timer: Timer,
}

/// The held datagrams' release times, earliest first (a `BinaryHeap` is a max-heap, so the
/// times are wrapped in `Reverse`), and a `Condvar` that wakes the timer thread when one is
/// added.
#[derive(Default)]
struct Timer {
    due: Mutex<BinaryHeap<Reverse<Due>>>,
    added: Condvar,
}

/// When datagram `number` of `mapping`'s `direction` is to be released, if it is still held.
struct Due {
    at: Instant,
    mapping: Arc<Mapping>,
    direction: Direction,
    number: u64,
}

impl Due {
    /// What orders the heap: the time, then (for equal times) which datagram it is.
    fn key(&self) -> (Instant, u64, u64, u64) {
        let direction = self.direction as u64;
        (self.at, self.mapping.number, direction, self.number)
    }
}

impl Ord for Due {
    fn cmp(&self, other: &Due) -> Order {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Due) -> Option<Order> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Due {
    fn eq(&self, other: &Due) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Due {}

/// One client: its own socket towards the server, and what each direction has seen.
struct Mapping {
    number: u64,
    client: SocketAddr,
    upstream: UdpSocket,
    start: Instant,
    last_active: Mutex<Instant>,
    to_server: Mutex<Lane>,
    to_client: Mutex<Lane>,
}

/// One direction of a mapping: its datagram count, its chance stream, a held datagram.
struct Lane {
    received: u64,
    chance: SplitMix64,
    held: Option<Held>,
}

/// A datagram held back by `--reorder`.
struct Held {
    number: u64,
    data: Vec<u8>,
    duplicate: bool,
}

/// Binds the socket clients send to, then forwards datagrams until stopped.
pub fn run(options: &Options) -> Result<()> {
    let address = options.common.listen;
    let socket =
        UdpSocket::bind(address).map_err(|source| netlesson::Error::Listen { address, source })?;
    let bound = socket.local_addr()?;
    log::line(&format!("listening on {bound}"));
    let seed = options.seed.unwrap_or_else(random_seed);
    log::line(&format!(
        "forwarding UDP to {}{}",
        options.common.to,
        options.disturbances(seed)
    ));
    let proxy = Arc::new(Proxy {
        socket,
        options: options.clone(),
        seed,
        mappings: Mutex::new(HashMap::new()),
        last_number: AtomicU64::new(0),
        timer: Timer::default(),
    });
    if options.reorder {
        let timer = proxy.clone();
        thread::Builder::new()
            .name("timer".into())
            .spawn(move || release_when_due(&timer))
            .context("could not start the thread that releases held datagrams")?;
    }
    receive_from_clients(&proxy);
    Ok(())
}

// ANCHOR: timer
/// The timer thread: sleeps until the earliest held datagram is due (or a new one is added),
/// then releases it, unless the datagram after it has released it already.
fn release_when_due(proxy: &Proxy) {
    let timer = &proxy.timer;
    let mut due = lock(&timer.due);
    loop {
        // How long until the earliest held datagram is due; `None` when none is held.
        let wait = due
            .peek()
            .map(|Reverse(next)| next.at.saturating_duration_since(Instant::now()));
        due = match wait {
            None => timer
                .added
                .wait(due)
                .unwrap_or_else(PoisonError::into_inner),
            Some(wait) if !wait.is_zero() => {
                let (due, _) = timer
                    .added
                    .wait_timeout(due, wait)
                    .unwrap_or_else(PoisonError::into_inner);
                due
            }
            Some(_) => {
                let next = due.pop();
                // Release without holding the timer's lock: `pass` adds to it while it holds
                // a lane's lock, which releasing takes.
                drop(due);
                if let Some(Reverse(next)) = next {
                    next.mapping
                        .release_if_held(proxy, next.direction, next.number);
                }
                lock(&timer.due)
            }
        };
    }
}
// ANCHOR_END: timer

// ANCHOR: clients
/// Receives every datagram clients send, and passes each one on through its client's mapping.
fn receive_from_clients(proxy: &Arc<Proxy>) {
    let mut buffer = vec![0u8; BUFFER_SIZE];
    loop {
        let (size, client) = match proxy.socket.recv_from(&mut buffer) {
            Ok(received) => received,
            Err(error) => {
                log::line(&format!("receive failed: {}", explain(&error)));
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        if let Some(mapping) = mapping_for(proxy, client) {
            mapping.pass(proxy, Direction::ClientToServer, &buffer[..size]);
        }
    }
}
// ANCHOR_END: clients

/// The mapping of `client`, made on its first datagram (with its thread for the replies).
/// Marks it active, so it does not expire now. `None` when it cannot be made: `--max-clients`
/// are mapped already, or the system has no socket or thread for it (said in the log).
fn mapping_for(proxy: &Arc<Proxy>, client: SocketAddr) -> Option<Arc<Mapping>> {
    let mut mappings = lock(&proxy.mappings);
    if let Some(mapping) = mappings.get(&client) {
        *lock(&mapping.last_active) = Instant::now();
        return Some(mapping.clone());
    }
    // ANCHOR: cap
    // A socket and a thread for each client: without a cap, enough source addresses (one
    // sender can forge them) use up the descriptors, and every later client is lost.
    let max = proxy.options.max_clients as usize;
    if mappings.len() >= max {
        drop(mappings);
        log::line(&format!(
            "refused: client {client}: already {} forwarded, the limit (--max-clients); \
             datagram dropped",
            count(max, "client")
        ));
        return None;
    }
    // ANCHOR_END: cap
    let number = proxy.last_number.fetch_add(1, Ordering::SeqCst) + 1;
    let mapping = match Mapping::open(proxy, number, client) {
        Ok(mapping) => Arc::new(mapping),
        Err(error) => {
            log::line(&format!(
                "#{number} failed: could not open a socket towards {} for client {client}: {}",
                proxy.options.common.to,
                explain(&error)
            ));
            return None;
        }
    };
    let (replies_proxy, replies) = (proxy.clone(), mapping.clone());
    let spawned = thread::Builder::new()
        .name(format!("client {number}"))
        .spawn(move || receive_from_server(&replies_proxy, &replies));
    if let Err(error) = spawned {
        // Without its thread the mapping would never expire: forget it now (its socket
        // closes with it).
        drop(mappings);
        log::line(&format!(
            "#{number} failed: could not start a thread: {}",
            explain(&error)
        ));
        return None;
    }
    mappings.insert(client, mapping.clone());
    drop(mappings);
    log::line(&format!(
        "#{number} open: client {client}, server {} (wiretap's side {})",
        proxy.options.common.to,
        mapping
            .upstream
            .local_addr()
            .map_or_else(|_| "?".to_string(), |address| address.to_string())
    ));
    Some(mapping)
}

impl Mapping {
    /// A socket on any free port, connected to the server: `send` goes to the server, and
    /// `recv` takes datagrams from the server only.
    fn open(proxy: &Proxy, number: u64, client: SocketAddr) -> io::Result<Mapping> {
        let to = proxy.options.common.to;
        let any: SocketAddr = match to {
            SocketAddr::V4(_) => "0.0.0.0:0",
            SocketAddr::V6(_) => "[::]:0",
        }
        .parse()
        .map_err(io::Error::other)?;
        let upstream = UdpSocket::bind(any)?;
        upstream.connect(to)?;
        let lane = |direction: Direction| {
            Mutex::new(Lane {
                received: 0,
                chance: chance::stream(proxy.seed, number, direction as u64),
                held: None,
            })
        };
        Ok(Mapping {
            number,
            client,
            upstream,
            start: Instant::now(),
            last_active: Mutex::new(Instant::now()),
            to_server: lane(Direction::ClientToServer),
            to_client: lane(Direction::ServerToClient),
        })
    }

    fn lane(&self, direction: Direction) -> &Mutex<Lane> {
        match direction {
            Direction::ClientToServer => &self.to_server,
            Direction::ServerToClient => &self.to_client,
        }
    }

    // ANCHOR: pass
    /// Decides the fate of a datagram, prints it, and sends it on (or not, or twice, or later).
    fn pass(self: &Arc<Self>, proxy: &Arc<Proxy>, direction: Direction, data: &[u8]) {
        let options = &proxy.options;
        let mut lane = lock(self.lane(direction));
        lane.received += 1;
        let number = lane.received;
        let fate = chance::decide(&mut lane.chance, options.drop, options.duplicate);
        if fate.drop {
            self.log(direction, number, "dropped", data, options);
            return;
        }
        if options.reorder && lane.held.is_none() {
            self.log(direction, number, "held", data, options);
            lane.held = Some(Held {
                number,
                data: data.to_vec(),
                duplicate: fate.duplicate,
            });
            self.release_later(proxy, direction, number);
            return;
        }
        let verdict = if fate.duplicate { "duplicated" } else { "sent" };
        self.log(direction, number, verdict, data, options);
        self.send(proxy, direction, number, data, fate.duplicate);
        if let Some(held) = lane.held.take() {
            self.release(proxy, direction, held);
        }
    }
    // ANCHOR_END: pass

    /// Sends a held datagram on.
    fn release(&self, proxy: &Proxy, direction: Direction, held: Held) {
        let verdict = match held.duplicate {
            true => "released and duplicated",
            false => "released",
        };
        self.log(direction, held.number, verdict, &held.data, &proxy.options);
        self.send(proxy, direction, held.number, &held.data, held.duplicate);
    }

    /// Asks the timer thread to release datagram `number` after `--hold`, if it is still
    /// held by then.
    fn release_later(self: &Arc<Self>, proxy: &Proxy, direction: Direction, number: u64) {
        let at = Instant::now() + proxy.options.hold();
        let mapping = self.clone();
        lock(&proxy.timer.due).push(Reverse(Due {
            at,
            mapping,
            direction,
            number,
        }));
        proxy.timer.added.notify_one();
    }

    /// Releases datagram `number` if it is still held. (If not, the datagram after it has
    /// released it already.)
    fn release_if_held(&self, proxy: &Proxy, direction: Direction, number: u64) {
        let mut lane = lock(self.lane(direction));
        if lane.held.as_ref().is_some_and(|held| held.number == number)
            && let Some(held) = lane.held.take()
        {
            self.release(proxy, direction, held);
        }
    }

    /// Sends one datagram to the server, or to the client, once or twice.
    fn send(&self, proxy: &Proxy, direction: Direction, number: u64, data: &[u8], twice: bool) {
        let copies = if twice { 2 } else { 1 };
        for _ in 0..copies {
            let sent = match direction {
                Direction::ClientToServer => self.upstream.send(data),
                Direction::ServerToClient => proxy.socket.send_to(data, self.client),
            };
            if let Err(error) = sent {
                let event = format!("datagram {number} failed: {}", explain_send(&error));
                self.log_event(direction, &event);
                return;
            }
        }
    }

    fn log(
        &self,
        direction: Direction,
        number: u64,
        verdict: &str,
        data: &[u8],
        options: &Options,
    ) {
        let shown = log::show(data, options.common.view());
        self.log_event(direction, &format!("datagram {number} {verdict}: {shown}"));
    }

    fn log_event(&self, direction: Direction, event: &str) {
        log::line(&format!(
            "#{} {} {} {event}",
            self.number,
            direction.label(),
            log::since(self.start)
        ));
    }
}

// ANCHOR: replies
/// Receives the server's replies for one client and passes them back, until the mapping has
/// been idle for `--idle-timeout`.
fn receive_from_server(proxy: &Arc<Proxy>, mapping: &Arc<Mapping>) {
    let idle_timeout = proxy.options.idle_timeout;
    let mut buffer = vec![0u8; BUFFER_SIZE];
    loop {
        let idle = lock(&mapping.last_active).elapsed();
        let left = idle_timeout
            .saturating_sub(idle)
            .max(Duration::from_millis(1));
        let _ = mapping.upstream.set_read_timeout(Some(left));
        match mapping.upstream.recv(&mut buffer) {
            Ok(size) => {
                *lock(&mapping.last_active) = Instant::now();
                mapping.pass(proxy, Direction::ServerToClient, &buffer[..size]);
            }
            Err(error) if is_timeout(&error) => {
                if expire_if_idle(proxy, mapping) {
                    return;
                }
            }
            Err(error) => {
                // Typically "connection refused": an earlier datagram reached the server's
                // machine, and it answered (with ICMP) that nothing listens on that port.
                let event = format!("failed: {}", explain_send(&error));
                mapping.log_event(Direction::ServerToClient, &event);
            }
        }
    }
}
// ANCHOR_END: replies

/// Forgets `mapping` if nothing went either way for `--idle-timeout`. Checked under the lock
/// of the mappings, so a datagram arriving from the client right now is never lost with it.
/// The caller, the mapping's thread, then ends, and the mapping's socket is closed with it.
fn expire_if_idle(proxy: &Proxy, mapping: &Mapping) -> bool {
    let mut mappings = lock(&proxy.mappings);
    let idle = lock(&mapping.last_active).elapsed();
    if idle < proxy.options.idle_timeout {
        return false;
    }
    mappings.remove(&mapping.client);
    drop(mappings);
    let received = |direction| lock(mapping.lane(direction)).received as usize;
    log::line(&format!(
        "#{} closed {} (idle for {}; client sent {}, server sent {})",
        mapping.number,
        log::since(mapping.start),
        netlesson::show::seconds(proxy.options.idle_timeout),
        count(received(Direction::ClientToServer), "datagram"),
        count(received(Direction::ServerToClient), "datagram"),
    ));
    true
}

/// Locks `mutex`, even if a thread panicked while holding it (the data is still usable).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A seed for runs without `--seed`: different every time, and printed so the run can be
/// repeated.
fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |time| time.as_nanos() as u64);
    SplitMix64::new(nanos ^ u64::from(std::process::id())).next_u64() % 1_000_000
}

/// Explains why sending to (or receiving from) the server failed.
fn explain_send(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused (the server's machine says \
            nothing listens on that port: is the server running?)"
            .into(),
        _ => explain(error),
    }
}
