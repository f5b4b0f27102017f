//! The check of `kv-server-threads` (lesson 8): exercise `kv-server`'s store, serving many
//! clients at once, with one store for all of them and a cap on how many are connected.
//!
//! Every step of kv-server's check still applies and is reused as it is (the `pub fn`s of
//! [`kv_server`]). This check adds clients connected at the same time: quiet clients, and a
//! client that stops reading its replies, delay nobody; the client past `--max-clients` is
//! refused, a client that leaves frees its place, and six that connect at once are counted
//! as they are accepted; 50 clients sending `INCR` at once lose no count; a client that goes
//! silent after a request is dropped after `--idle-timeout`, as one that never spoke is.

use std::time::{Duration, Instant};

use netlesson::show::show_bytes;

use checks::kv_server::{self, KvClient, frame, parse_header};
use checks::{Check, Rule, Step};
use contract::lab::{Conn, Failure, IDLE_TIMEOUT, Lab, REPLY_TIMEOUT, StepResult};

/// The exercise: its folder is `crates/exercises/kv-server-threads/`.
pub const CHECK: Check = Check {
    name: "kv-server-threads",
    info: include_str!("../../exercises/kv-server-threads/exercise.toml"),
    setup: checks::no_setup,
    steps: STEPS,
    rules: RULES,
};

/// The rules of the starter's header, each with the step and the known-bad programs that
/// prove the check enforces it.
pub const RULES: &[Rule] = &[
    Rule {
        rule: "each client is served on a thread of its own",
        step: "quiet-clients-delay-nobody",
        known_bad: &["one-at-a-time"],
    },
    Rule {
        rule: "so that a client that is slow, silent or not reading its replies delays nobody \
               else (never hold the store's lock while a read or a send waits for a client)",
        step: "quiet-clients-delay-nobody",
        known_bad: &["locks-while-reading"],
    },
    Rule {
        rule: "so that a client that is slow, silent or not reading its replies delays nobody \
               else (never hold the store's lock while a read or a send waits for a client)",
        step: "slow-reader-delays-nobody",
        known_bad: &["replies-under-the-lock"],
    },
    Rule {
        rule: "All clients share ONE store: what one client stores, every other client finds at \
               once",
        step: "store-outlives-clients",
        known_bad: &["store-per-client"],
    },
    Rule {
        rule: "when many clients send `INCR counter` at the same time, no count is lost",
        step: "fifty-clients-count",
        known_bad: &["incr-in-two-locks"],
    },
    Rule {
        rule: "At most `--max-clients` clients (64 unless told otherwise) are served at once.",
        step: "past-the-cap",
        known_bad: &["no-cap", "one-too-many"],
    },
    Rule {
        rule: "Clients count from the moment they are accepted, in the order they connected: of \
               six that connect at once under `--max-clients 2`, the first two are served and \
               the other four refused.",
        step: "cap-at-accept",
        known_bad: &["counts-once-it-speaks"],
    },
    Rule {
        rule: "As soon as a client leaves, however it leaves (it closes, resets, is dropped for \
               --idle-timeout, or is refused for a broken frame), its place is free again.",
        step: "places-given-back",
        known_bad: &[
            "frees-the-place-only-on-success",
            "never-gives-the-place-back",
        ],
    },
    Rule {
        rule: "A client that sends nothing for `--idle-timeout` seconds is closed (that one \
               client only).",
        step: "silent",
        known_bad: &["no-idle-timeout"],
    },
    Rule {
        rule: "A client that sends nothing for `--idle-timeout` seconds is closed (that one \
               client only).",
        step: "silent-after-a-request",
        known_bad: &["idle-timeout-only-before-the-first-request"],
    },
];

/// The steps, in order: kv-server's protocol steps (`checks::kv_steps!`), then those of many
/// clients at once, silent clients and a restart.
pub const STEPS: &[Step] = checks::kv_steps![
    Step {
        id: "quiet-clients-delay-nobody",
        name: "a client that has gone quiet, and one that never spoke, delay nobody",
        run: quiet_clients_delay_nobody,
    },
    Step {
        id: "slow-reader-delays-nobody",
        name: "a client that stops reading its replies delays nobody",
        run: slow_reader_delays_nobody,
    },
    Step {
        id: "past-the-cap",
        name: "the client past --max-clients gets ERR server full, and the close",
        run: past_the_cap,
    },
    Step {
        id: "places-given-back",
        name: "a place is free again as soon as a client leaves, however it leaves",
        run: places_given_back,
    },
    Step {
        id: "cap-at-accept",
        name: "six clients connect at once under --max-clients 2: the first two are served, the \
               other four refused at once",
        run: cap_at_accept,
    },
    Step {
        id: "fifty-clients-count",
        name: "50 clients send 100 INCR counter each, all at once: no count is lost",
        run: fifty_clients_count,
    },
    Step {
        id: "silent",
        name: "a silent client is dropped after --idle-timeout",
        run: kv_server::silent,
    },
    Step {
        id: "silent-after-a-request",
        name: "a client that goes silent after a request is dropped after --idle-timeout too",
        run: silent_after_a_request,
    },
    Step {
        id: "restarts",
        name: "restarts at once on the same port",
        run: kv_server::restarts,
    },
];

/// What serves each client, in the words of the failures of the steps that the exercises of
/// lesson 8 (a thread per client) and lesson 10 (a tokio task per client) share.
pub struct Serving {
    /// What each client is served by: `thread`, or `task`.
    pub worker: &'static str,
    /// The likely reason why replies stop coming while many clients are served.
    pub why_no_reply: &'static str,
    /// How to drop a client that goes silent after a request, as one that never spoke is.
    pub idle_fix: &'static str,
    /// How to serve clients so that quiet ones delay nobody.
    pub serve_each: &'static str,
}

/// A thread per client (this exercise).
pub const THREADS: Serving = Serving {
    worker: "thread",
    why_no_reply: "Most likely a thread waits for something that does not come: a lock held \
                   while waiting for a client, or clients served one at a time.",
    idle_fix: "set the read timeout once, for the whole connection \
               (`set_read_timeout(Some(...))`), and never clear it after a request.",
    serve_each: "Serve each client on a thread of its own (`thread::spawn` in the accept loop), \
                 and never hold the store's lock while waiting for a client: lock it for one \
                 request at a time.",
};

/// kv-server-threads' step: a client that goes silent after a request is dropped too.
fn silent_after_a_request(lab: &mut Lab) -> StepResult {
    silent_after_a_request_by(lab, &THREADS)
}

/// How long after its reply a client that says nothing more may stay connected: the
/// `--idle-timeout` the checker gives (1 s), and 2 s more for a loaded machine.
const DROPPED_WITHIN: Duration = Duration::from_secs(3);

/// A client sends `GET idle`, reads its whole reply, then says nothing more: the server must
/// close it after `--idle-timeout`, as it closes a client that never said anything. (The
/// timeout is on every wait for a request, not only the first.)
pub fn silent_after_a_request_by(lab: &mut Lab, serving: &Serving) -> StepResult {
    let mut client = KvClient::connect(lab)?;
    client.ask("GET idle", "NOT FOUND")?;
    let started = Instant::now();
    if client.conn().closes_within(DROPPED_WITHIN) {
        return Ok(());
    }
    let waited = started.elapsed();
    let mut failure = client
        .conn()
        .failure(silent_after_a_request_problem(waited, serving));
    failure.expected = Some(format!(
        "{}, then the close within {} s (--idle-timeout {IDLE_TIMEOUT})",
        show_bytes(&frame(b"NOT FOUND")),
        DROPPED_WITHIN.as_secs()
    ));
    failure.received = Some(format!(
        "{}, then the connection still open after {} ms",
        show_bytes(client.conn().received()),
        waited.as_millis()
    ));
    failure.reproduce = vec![
        lab.server_command("--idle-timeout 1"),
        format!(
            "(printf '00000008GET idle'; sleep 5) | nc 127.0.0.1 {}    (nc should end 1 s after \
             the reply, not after 5 s)",
            lab.default_port
        ),
    ];
    Err(failure)
}

/// What a server that keeps a client silent after a request did wrong.
fn silent_after_a_request_problem(waited: Duration, serving: &Serving) -> String {
    format!(
        "A client sent one request, got its reply, then said nothing more: {} ms later the \
         server still had not closed it, with --idle-timeout {IDLE_TIMEOUT}.\nThe idle timeout \
         applies to every wait for a request, not only the first: {}",
        waited.as_millis(),
        serving.idle_fix
    )
}

/// The `--max-clients` that the steps about the cap start the server with.
const CAP: usize = 3;

/// The options for those steps.
const CAP_ARGS: &[&str] = &["--max-clients", "3"];

/// Who is refused in the steps about the cap, for their failures.
const FOURTH: &str = "The fourth client (3 connected, --max-clients 3)";

/// The reply to a client past the cap (a string, framed as every reply).
const FULL: &[u8] = b"ERR server full";

/// How long a client that left may take to give its place back: its thread must first see
/// the connection end.
const LEAVING: Duration = Duration::from_secs(1);

/// How long a client may wait for its replies while other clients are connected and quiet:
/// half the --idle-timeout that the checker gives (1 s), so a server that only answers once
/// the quiet ones are dropped is caught.
const NOT_DELAYED: Duration = Duration::from_millis(500);

/// How many clients send INCR at once.
const CLIENTS: usize = 50;

/// How many INCRs each of them sends, in one write.
const INCRS: usize = 100;

/// How many times the 50 clients count, each time on a key of its own: two INCRs meet only
/// when two threads run at the same moment, which a busy machine may not give every time.
const ROUNDS: usize = 12;

/// A client that stored a value and went quiet, and one that connected and never spoke, keep
/// their connections open; a third is served at once, and finds the first one's value.
pub fn quiet_clients_delay_nobody(lab: &mut Lab) -> StepResult {
    quiet_clients_delay_nobody_by(lab, &THREADS)
}

/// What [`quiet_clients_delay_nobody_by`] says when the third client waited `waited`: the advice
/// on a line of its own, so that a report (which cuts long lines) shows it whole.
fn delayed(waited: Duration, dropped: bool, serving: &Serving) -> String {
    let until = match dropped {
        true => ", until the server dropped the quiet ones for --idle-timeout (1 s)",
        false => "",
    };
    format!(
        "A third client waited {} ms for its replies, while a client that had stored a value and \
         one that had said nothing were connected and quiet{until}.\n{}",
        waited.as_millis(),
        serving.serve_each
    )
}

/// [`quiet_clients_delay_nobody`], with the advice for clients served by `serving`.
pub fn quiet_clients_delay_nobody_by(lab: &mut Lab, serving: &Serving) -> StepResult {
    let mut quiet = KvClient::connect(lab)?;
    quiet.ask("SET quiet here", "OK")?;
    let mut silent = lab.connect()?;
    let started = Instant::now();
    let mut next = KvClient::connect(lab)?;
    let asked = next
        .ask("GET quiet", "here")
        .and_then(|()| next.ask("INCR third", "1"));
    let waited = started.elapsed();
    // Whether the server dropped either of them (for --idle-timeout) before the replies came.
    let dropped = quiet.conn().closes_within(Duration::from_millis(1))
        || silent.closes_within(Duration::from_millis(1));
    if waited < NOT_DELAYED && !dropped {
        return asked;
    }
    let mut problem = delayed(waited, dropped, serving);
    if let Err(failure) = asked {
        problem.push_str(&format!("\nWhat the third client saw: {}", failure.problem));
    }
    let mut failure = next.conn().failure(problem);
    failure.expected = Some(format!(
        "{} then {}, within {} ms",
        show_bytes(&frame(b"here")),
        show_bytes(&frame(b"1")),
        NOT_DELAYED.as_millis()
    ));
    failure.received = Some(format!(
        "{} after {} ms",
        show_bytes(next.conn().received()),
        waited.as_millis()
    ));
    failure.reproduce = vec![
        format!(
            "nc 127.0.0.1 {}    (a client that says nothing: leave it open)",
            lab.default_port
        ),
        format!(
            "cargo run -q --bin string-client -- --port {} --message 'GET quiet'    (is it \
             answered at once, or only once the server drops the first client, after \
             --idle-timeout, 10 s by default?)",
            lab.default_port
        ),
    ];
    Err(failure)
}

/// The value the client that stops reading asks for, again and again: big, so that its
/// replies fill the connection's buffers at once.
const BIG_VALUE: usize = 60_000;

/// How many times it asks: 12 MB of replies, far more than a connection's buffers hold.
const BIG_GETS: usize = 200;

/// How long the checker lets the server fill those buffers before the next client asks.
const FILL_TIME: Duration = Duration::from_millis(300);

/// A client stores a big value, then asks for it 200 times in one write and reads none of the
/// replies: its thread soon waits to send, until --idle-timeout. Meanwhile another client must
/// be answered at once: a server that holds the store's lock while it sends a reply makes it
/// wait for the client that does not read.
pub fn slow_reader_delays_nobody(lab: &mut Lab) -> StepResult {
    let mut slow = KvClient::connect(lab)?;
    slow.ask(&format!("SET big {}", "b".repeat(BIG_VALUE)), "OK")?;
    let gets = frame(b"GET big").repeat(BIG_GETS);
    slow.conn().send(&gets)?;
    std::thread::sleep(FILL_TIME);
    let started = Instant::now();
    let mut next = KvClient::connect(lab)?;
    let asked = next.ask("INCR while-slow", "1");
    let waited = started.elapsed();
    drop(slow);
    if asked.is_ok() && waited < NOT_DELAYED {
        return Ok(());
    }
    let mut failure = next
        .conn()
        .failure(slow_reader_problem(waited, asked.err()));
    failure.expected = Some(format!(
        "{} within {} ms",
        show_bytes(&frame(b"1")),
        NOT_DELAYED.as_millis()
    ));
    failure.received = Some(format!(
        "{} after {} ms",
        show_bytes(next.conn().received()),
        waited.as_millis()
    ));
    failure.reproduce = vec![
        format!(
            "{{ printf '00060008SET big '; head -c 60000 /dev/zero | tr '\\0' b; for i in $(seq \
             200); do printf '00000007GET big'; done; sleep 30; }} | nc 127.0.0.1 {} | sleep 30 &    \
             (a client that asks and reads nothing: `sleep` never reads what nc prints)",
            lab.default_port
        ),
        format!(
            "cargo run -q --bin string-client -- --port {} --message 'INCR while-slow'    (is it \
             answered at once?)",
            lab.default_port
        ),
    ];
    Err(failure)
}

/// What a client waiting `waited` behind a client that does not read means.
fn slow_reader_problem(waited: Duration, failure: Option<Failure>) -> String {
    let mut problem = format!(
        "A client waited {} ms for the reply to its INCR, while another client had asked for a \
         60000-byte value 200 times and read none of the replies (its thread was waiting to \
         send them).\nA client that stops reading delays nobody else: hold the store's lock for \
         the request only (`reply_locked`), and let it go before sending the reply, which may \
         wait for the client.",
        waited.as_millis()
    );
    if let Some(failure) = failure {
        problem.push_str(&format!("\nWhat the client saw: {}", failure.problem));
    }
    problem
}

/// With `--max-clients 3` and three clients connected, the fourth is told `ERR server full`
/// and closed; the three are still served.
pub fn past_the_cap(lab: &mut Lab) -> StepResult {
    lab.use_extra_args(CAP_ARGS)?;
    let mut clients = Vec::new();
    for number in 1..=CAP {
        let client = admitted(lab, number, &too_soon(number));
        clients.push(client.map_err(|failure| with_cap_reproduce(failure, lab))?);
    }
    let mut fourth = lab.connect()?;
    expect_full(lab, &mut fourth, FOURTH)?;
    for (index, client) in clients.iter_mut().enumerate() {
        let number = index + 1;
        ask(
            client,
            &format!("GET place{number}"),
            &format!("client {number}"),
        )?;
    }
    Ok(())
}

/// The clients of [`cap_at_accept`], and its cap.
const AT_ONCE: usize = 6;
const AT_ONCE_CAP: &[&str] = &["--max-clients", "2"];

/// With `--max-clients 2`, six clients connect one right after the other and send nothing:
/// when the third connects, two are connected, so it and the three after it get
/// `ERR server full` at once, and the first two are served. A server that counts a client
/// only once its thread runs (or once it speaks) lets in whoever comes before the count.
pub fn cap_at_accept(lab: &mut Lab) -> StepResult {
    lab.use_extra_args(AT_ONCE_CAP)?;
    let mut clients = Vec::with_capacity(AT_ONCE);
    for _ in 0..AT_ONCE {
        clients.push(lab.connect()?);
    }
    let (first_two, others) = clients.split_at_mut(2);
    for (index, client) in others.iter_mut().enumerate() {
        let who = format!(
            "Client {} of six that connected one right after the other (--max-clients 2)",
            index + 3
        );
        let started = Instant::now();
        client
            .expect_then_close(&frame(FULL))
            .map_err(|failure| explain_not_counted(failure, client.received(), started, &who))
            .map_err(|failure| with_at_once_reproduce(failure, lab))?;
    }
    for (index, client) in first_two.iter_mut().enumerate() {
        let number = index + 1;
        ask(client, &format!("SET early{number} client {number}"), "OK").map_err(|failure| {
            failure.with_note(format!(
                "Client {number} connected before the others, when fewer than 2 were connected: \
                 it is one of the two served."
            ))
        })?;
    }
    Ok(())
}

/// Adds what a client past the cap that was not refused most likely means.
fn explain_not_counted(failure: Failure, got: &[u8], started: Instant, who: &str) -> Failure {
    if !got.is_empty() && !got.starts_with(&frame(FULL)) {
        return failure.with_note(format!("{who} must get the string `ERR server full`."));
    }
    if !got.is_empty() {
        return failure;
    }
    let waited = started.elapsed().as_millis();
    failure.with_note(format!(
        "{who} got nothing in {waited} ms, where two clients were connected before it: it was \
         let in.\nCount a client in the accept loop, right when it is accepted, before its \
         thread starts (`admit`, then `thread::spawn`): a count that a client's thread makes \
         when it runs comes too late for the clients accepted meanwhile."
    ))
}

/// Commands that connect six clients at once by hand, under `--max-clients 2`.
fn with_at_once_reproduce(mut failure: Failure, lab: &Lab) -> Failure {
    let port = lab.default_port;
    failure.reproduce = vec![
        lab.server_command(""),
        format!(
            "for i in 1 2 3 4 5 6; do sleep 5 | nc 127.0.0.1 {port} & done; wait    (six clients \
             at once: four print 00000015ERR server full at once)"
        ),
    ];
    failure
}

/// With `--max-clients 3`: three clients leave, one by closing, one by resetting its
/// connection, one refused for a broken header; then three new clients are let in, and the
/// fourth is still refused.
pub fn places_given_back(lab: &mut Lab) -> StepResult {
    places_given_back_by(lab, &THREADS)
}

/// [`places_given_back`], its failures worded for clients served by `serving`.
pub fn places_given_back_by(lab: &mut Lab, serving: &Serving) -> StepResult {
    lab.use_extra_args(CAP_ARGS)?;
    // The clients of the step before have just left: their places must come back.
    let still_held = still_held_note(serving);
    let mut leaving = Vec::new();
    for number in 1..=CAP {
        let client = admitted(lab, number, &still_held);
        leaving.push(client.map_err(|failure| with_places_reproduce(failure, lab))?);
    }
    let mut refused = lab.connect()?;
    expect_full(lab, &mut refused, FOURTH)?;
    // Each leaves its own way.
    let [closes, resets, mut broken] = <[Conn; CAP]>::try_from(leaving)
        .map_err(|_| Failure::of_checker("the checker lost count of its clients"))?;
    drop(closes);
    resets.reset()?;
    broken.send(b"abcdefgh")?;
    drop(broken);
    let held = held_note(serving);
    let mut clients = Vec::new();
    for number in CAP + 1..=2 * CAP {
        let client = admitted(lab, number, &held);
        clients.push(client.map_err(|failure| with_places_reproduce(failure, lab))?);
    }
    let mut over = lab.connect()?;
    expect_full(
        lab,
        &mut over,
        "The client after 3 new ones (--max-clients 3)",
    )?;
    for (client, number) in clients.iter_mut().zip(CAP + 1..) {
        ask(
            client,
            &format!("GET place{number}"),
            &format!("client {number}"),
        )?;
    }
    Ok(())
}

/// What a refusal means when the clients of the step before have left.
pub fn still_held_note(serving: &Serving) -> String {
    format!(
        "The clients of the step before have left, but the server still said ERR server full: \
         a client's place must be given back when its {} ends.",
        serving.worker
    )
}

/// What a refusal means when three clients have left, each its own way.
pub fn held_note(serving: &Serving) -> String {
    format!(
        "Three clients left (one closed its connection, one reset it, one sent a header that is \
         not 8 digits), but the server still said ERR server full for a new one after 1 s: give \
         a client's place back when its {} ends, however serving it ended (with an error too).",
        serving.worker
    )
}

/// 50 clients connect, then each sends 100 `INCR counter` in one write, all at once: the
/// replies are the numbers 1 to 5000, each once, and `GET counter` is `5000`. Lost counts show
/// only when two INCRs meet, which may not happen every time: the same 50 clients do it again
/// on `counter2`, `counter3`, ... (`ROUNDS` in all).
pub fn fifty_clients_count(lab: &mut Lab) -> StepResult {
    fifty_clients_count_by(lab, &THREADS)
}

/// [`fifty_clients_count`], its failures worded for clients served by `serving`.
pub fn fifty_clients_count_by(lab: &mut Lab, serving: &Serving) -> StepResult {
    // A fresh server with the usual cap of 64.
    lab.use_extra_args(&[])?;
    let mut clients = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        clients.push(lab.connect()?);
    }
    let mut reader = KvClient::connect(lab)?;
    for round in 1..=ROUNDS {
        let key = match round {
            1 => "counter".to_string(),
            _ => format!("counter{round}"),
        };
        count_at_once(&mut clients, &mut reader, &key, lab.default_port, serving)?;
    }
    Ok(())
}

/// One round of [`fifty_clients_count`], on `key`.
fn count_at_once(
    clients: &mut [Conn],
    reader: &mut KvClient,
    key: &str,
    port: u16,
    serving: &Serving,
) -> StepResult {
    let burst = frame(format!("INCR {key}").as_bytes()).repeat(INCRS);
    for client in clients.iter_mut() {
        client.send(&burst)?;
    }
    // Who got each number: `givers[n]` lists the clients whose INCR replied n.
    let total = clients.len() * INCRS;
    let mut givers: Vec<Vec<usize>> = vec![Vec::new(); total + 1];
    for (index, client) in clients.iter_mut().enumerate() {
        for got in 0..INCRS {
            let reply = match read_reply(client) {
                Ok(reply) => reply,
                Err(failure) => {
                    let cut = Cut {
                        client: index + 1,
                        key,
                        got,
                        open: client.end().is_none(),
                    };
                    let failure = cut.failure(failure, serving);
                    return Err(with_at_once_counting(failure, key, port));
                }
            };
            match reply.parse::<usize>() {
                Ok(number) if (1..=total).contains(&number) => givers[number].push(index + 1),
                _ => {
                    let problem = format!(
                        "client {}'s INCR {key} got {reply:?}: after at most {total} INCRs, \
                         each reply is a number from 1 to {total}",
                        index + 1
                    );
                    return Err(client.failure(problem));
                }
            }
        }
    }
    let got = reader.ask(&format!("GET {key}"), &total.to_string());
    let twice: Vec<usize> = (1..givers.len())
        .filter(|&number| givers[number].len() > 1)
        .collect();
    if got.is_ok() && twice.is_empty() {
        return Ok(());
    }
    // What GET replied: the wrong reply is what the failed expectation left unread.
    let counted = match got {
        Ok(()) => total.to_string(),
        Err(_) => String::from_utf8_lossy(reader.conn().unchecked())
            .get(8..)
            .unwrap_or_default()
            .to_string(),
    };
    let lost = Lost {
        key,
        counted,
        twice,
        givers,
    };
    Err(lost.failure(got, port))
}

/// A client of [`fifty_clients_count`] whose replies stopped coming.
struct Cut<'a> {
    /// Which client (from 1).
    client: usize,
    /// The key counted.
    key: &'a str,
    /// How many whole replies it had read.
    got: usize,
    /// Whether its connection was still open (the replies did not come in time).
    open: bool,
}

impl Cut<'_> {
    /// `failure` (of reading the next reply), explained: what the client got, and why.
    fn failure(&self, mut failure: Failure, serving: &Serving) -> Failure {
        failure.problem = self.problem(serving);
        failure.expected = Some(format!(
            "{INCRS} replies, each a number from 1 to {}",
            CLIENTS * INCRS
        ));
        failure.received = Some(match self.open {
            true => format!(
                "{} replies, then nothing for {} s, the connection still open",
                self.got,
                REPLY_TIMEOUT.as_secs()
            ),
            false => format!("{} replies, then the connection ended", self.got),
        });
        failure
    }

    /// What went wrong, in words.
    fn problem(&self, serving: &Serving) -> String {
        let Cut {
            client, key, got, ..
        } = self;
        let seen = format!(
            "{CLIENTS} clients sent {INCRS} INCR {key} each, all at once; client {client} got \
             {got} replies"
        );
        match self.open {
            true => format!(
                "{seen}, then nothing came back in time: no reply for {} s, while its \
                 connection stayed open.\n{}",
                REPLY_TIMEOUT.as_secs(),
                serving.why_no_reply
            ),
            false => format!(
                "{seen}, then the server ended the connection: every INCR gets its reply, and \
                 the connection stays open until the client closes it."
            ),
        }
    }
}

/// What a round of [`fifty_clients_count`] saw when counts were lost.
struct Lost<'a> {
    /// The key counted.
    key: &'a str,
    /// What `GET key` replied.
    counted: String,
    /// The numbers that were the reply to more than one INCR.
    twice: Vec<usize>,
    /// For each number, the clients whose INCR got it.
    givers: Vec<Vec<usize>>,
}

impl Lost<'_> {
    /// The failure: what the numbers show, why counts get lost, and how to see it by hand.
    fn failure(&self, got: StepResult, port: u16) -> Failure {
        let key = self.key;
        let total = CLIENTS * INCRS;
        let mut problem = format!(
            "{CLIENTS} clients sent {INCRS} INCR {key} each, all at once, and GET {key} replied \
             {:?}",
            self.counted
        );
        if got.is_err() {
            problem.push_str(&format!(", not {total}"));
        }
        if let Some(&example) = self.twice.first() {
            let clients: Vec<String> = self.givers[example]
                .iter()
                .map(|client| format!("client {client}"))
                .collect();
            problem.push_str(&format!(
                "; {} numbers were the reply to more than one INCR ({example} went to {})",
                self.twice.len(),
                clients.join(" and ")
            ));
        }
        problem.push_str(
            ".\nTwo threads read the same number, and both stored it plus 1: a count was lost. \
             An INCR must read and write the number under ONE lock: lock the store once for the \
             whole request (`reply_to(request, &mut lock(store))`), not once for each get and \
             insert.",
        );
        let mut failure = match got {
            Err(failure) => failure,
            Ok(()) => Failure::default(),
        };
        failure.problem = problem;
        failure.sent = Some(format!(
            "by each of {CLIENTS} clients at once, in one write: {INCRS} × {}; then {}",
            show_bytes(&frame(format!("INCR {key}").as_bytes())),
            show_bytes(&frame(format!("GET {key}").as_bytes()))
        ));
        failure.expected = Some(format!(
            "the replies 1 to {total}, each once; then {}",
            show_bytes(&frame(total.to_string().as_bytes()))
        ));
        with_at_once_counting(failure, key, port)
    }
}

/// Commands that make 50 clients count on `key` at once by hand, then read the count.
fn with_at_once_counting(mut failure: Failure, key: &str, port: u16) -> Failure {
    let request = String::from_utf8_lossy(&frame(format!("INCR {key}").as_bytes())).into_owned();
    failure.reproduce = vec![
        format!(
            "for i in $(seq {CLIENTS}); do (for j in $(seq {INCRS}); do printf '{request}'; \
             done) | nc -N 127.0.0.1 {port} > /dev/null & done; wait"
        ),
        format!("cargo run -q --bin string-client -- --port {port} --message 'GET {key}'"),
    ];
    failure
}

/// A new client that the server lets in, proven by an exchange (`SET placeN client N`). A
/// refusal is tried again for a while, as clients that left may still be giving their places
/// back; `held` says what a refusal that lasts means.
fn admitted(lab: &mut Lab, number: usize, held: &str) -> Result<Conn, Failure> {
    let deadline = Instant::now() + LEAVING;
    loop {
        let mut client = lab.connect()?;
        let asked = ask(
            &mut client,
            &format!("SET place{number} client {number}"),
            "OK",
        );
        let failure = match asked {
            Ok(()) => return Ok(client),
            Err(failure) => failure,
        };
        if !maybe_refused(&mut client) {
            return Err(failure);
        }
        if Instant::now() >= deadline {
            return Err(failure.with_note(held));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// What a refusal of client `number` means when the step has just started a fresh server.
fn too_soon(number: usize) -> String {
    format!(
        "The server said ERR server full to client {number}, with {} connected under \
         --max-clients {CAP}: the cap is the number of clients served at once, so {CAP} may be \
         connected.",
        number - 1
    )
}

/// Whether the server refused `client`: `ERR server full`, or (when our request crossed the
/// close) a connection that ended with nothing.
fn maybe_refused(client: &mut Conn) -> bool {
    let full = client.received().starts_with(&frame(FULL));
    let ended_empty =
        client.received().is_empty() && client.closes_within(Duration::from_millis(1));
    full || ended_empty
}

/// Sends `request` as one frame and expects the frame of `reply`.
fn ask(client: &mut Conn, request: &str, reply: &str) -> StepResult {
    client.send(&frame(request.as_bytes()))?;
    client.expect(&frame(reply.as_bytes()))
}

/// The client `who` must get `ERR server full` without sending anything, then the close.
fn expect_full(lab: &Lab, client: &mut Conn, who: &str) -> StepResult {
    let started = Instant::now();
    client
        .expect_then_close(&frame(FULL))
        .map_err(|failure| explain_full(failure, client.received(), started.elapsed(), who))
        .map_err(|failure| with_cap_reproduce(failure, lab))
}

/// Adds what a wrong answer to a client past the cap most likely means.
fn explain_full(failure: Failure, got: &[u8], waited: Duration, who: &str) -> Failure {
    if got.is_empty() && waited >= NOT_DELAYED {
        return failure.with_note(format!(
            "{who} got no reply, and was closed only after --idle-timeout: it was let in. \
             Count the clients connected, and refuse a new one when --max-clients are \
             connected already (`>=`, not `>`), before serving it: send it `ERR server full`, \
             then close."
        ));
    }
    if got.is_empty() {
        return failure.with_note(format!(
            "{who} was closed without a reply: send it the string `ERR server full` first \
             (with `send_string`)."
        ));
    }
    if got.starts_with(FULL) {
        return failure.with_note(
            "The reply has no length header: this server's replies are lesson 5's strings \
             (threaded-server's are lines). Send it with `send_string`.",
        );
    }
    failure.with_note(format!(
        "{who} must get the string `ERR server full` at once, before it sends anything, then \
         the close."
    ))
}

/// Commands that show the cap by hand: the server with `--max-clients 3`, three clients that
/// stay connected, and a fourth.
fn with_cap_reproduce(mut failure: Failure, lab: &Lab) -> Failure {
    let port = lab.default_port;
    failure.reproduce = vec![
        lab.server_command(""),
        format!(
            "for i in 1 2 3; do sleep 30 | nc 127.0.0.1 {port} & done    (three clients that \
             stay connected for 30 s)"
        ),
        format!(
            "nc 127.0.0.1 {port}    (the fourth: it should print 00000015ERR server full, and \
             end)"
        ),
    ];
    failure
}

/// Commands that show by hand that a client that left frees its place: the server with
/// `--max-clients 3`, then four clients one after another.
fn with_places_reproduce(mut failure: Failure, lab: &Lab) -> Failure {
    let port = lab.default_port;
    failure.reproduce = vec![
        lab.server_command(""),
        format!(
            "for i in 1 2 3 4; do printf '00000008GET name' | nc -N 127.0.0.1 {port}; echo; done    \
             (four clients, one after another: none should get ERR server full)"
        ),
        format!(
            "for i in 1 2 3 4; do printf 'abcdefgh' | nc -N 127.0.0.1 {port}; echo; done    (four \
             clients refused for a bad header: each should get ERR bad header, not ERR server \
             full)"
        ),
    ];
    failure
}

/// The next reply on `client`, a string: 8 digits, then as many bytes.
fn read_reply(client: &mut Conn) -> Result<String, Failure> {
    let header = client.receive(8)?;
    let Some(size) = parse_header(&header).filter(|size| *size <= 100) else {
        let mut failure =
            client.failure("the reply's header is not a length of 8 digits".to_string());
        failure.received = Some(show_bytes(&header));
        return Err(failure);
    };
    let body = client.receive(size)?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{
        Cut, THREADS, delayed, held_note, silent_after_a_request_problem, still_held_note,
    };
    use crate::kv_server_async::TASKS;

    #[test]
    fn a_client_kept_after_its_request_is_told_the_timeout_applies_to_every_wait() {
        for serving in [&THREADS, &TASKS] {
            let said = silent_after_a_request_problem(Duration::from_millis(3004), serving);
            assert!(
                said.starts_with(
                    "A client sent one request, got its reply, then said nothing more: 3004 ms \
                     later the server still had not closed it, with --idle-timeout 1."
                ),
                "{said}"
            );
            assert!(
                said.contains("every wait for a request, not only the first"),
                "{said}"
            );
            assert!(said.ends_with(serving.idle_fix), "{said}");
        }
        let threads = silent_after_a_request_problem(Duration::from_millis(3004), &THREADS);
        assert!(
            threads.contains("never clear it after a request"),
            "{threads}"
        );
        let tasks = silent_after_a_request_problem(Duration::from_millis(3004), &TASKS);
        assert!(tasks.contains("`timeout(...)` around each read"), "{tasks}");
    }

    #[test]
    fn a_place_not_given_back_is_blamed_on_the_thread_or_task_that_serves_a_client() {
        assert!(still_held_note(&THREADS).ends_with("given back when its thread ends."));
        assert!(still_held_note(&TASKS).ends_with("given back when its task ends."));
        assert!(held_note(&TASKS).contains("place back when its task ends, however"));
        assert!(!held_note(&TASKS).contains("thread"));
    }

    #[test]
    fn replies_that_stop_coming_are_said_to_have_not_come_in_time_not_to_be_cut_short() {
        let cut = Cut {
            client: 3,
            key: "counter",
            got: 12,
            open: true,
        };
        let said = cut.problem(&TASKS);
        assert!(
            said.starts_with(
                "50 clients sent 100 INCR counter each, all at once; client 3 got 12 replies, \
                 then nothing came back in time: no reply for 3 s"
            ),
            "{said}"
        );
        assert!(
            said.contains("the runtime's thread is blocked: a blocking call inside a task"),
            "{said}"
        );
        assert!(!said.contains("cut short"), "{said}");
        // The report cuts longer lines: the advice must be seen whole.
        let longest = said.lines().map(|line| line.chars().count()).max();
        assert!(longest <= Some(checks::REPORT_LINE_LIMIT), "{said}");
        let ended = Cut { open: false, ..cut };
        assert!(
            ended
                .problem(&THREADS)
                .contains("then the server ended the connection")
        );
    }

    #[test]
    fn the_advice_for_delayed_clients_fits_a_reports_line_for_threads_and_tasks() {
        for serving in [&THREADS, &TASKS] {
            let said = delayed(Duration::from_millis(2003), true, serving);
            assert!(said.ends_with(serving.serve_each), "{said}");
            let longest = said.lines().map(|line| line.chars().count()).max();
            assert!(longest <= Some(checks::REPORT_LINE_LIMIT), "{said}");
        }
        assert!(TASKS.serve_each.contains("tokio::spawn"));
        assert!(THREADS.serve_each.contains("thread::spawn"));
    }
}
