//! The check of `kv-server-threads` (lesson 8): exercise `kv-server`'s store, serving many
//! clients at once, with one store for all of them and a cap on how many are connected.
//!
//! Every step of kv-server's check still applies and is reused as it is (the `pub fn`s of
//! [`kv_server`]). This check adds clients connected at the same time: quiet clients delay
//! nobody; the client past `--max-clients` is refused, and a client that leaves frees its
//! place; 50 clients sending `INCR` at once lose no count.

use std::time::{Duration, Instant};

use netlesson::show::show_bytes;

use super::kv_server::{self, KvClient, frame, parse_header};
use crate::Step;
use crate::catalog::Check;
use contract::lab::{Conn, Failure, Lab, StepResult};

/// The exercise: its folder is `crates/exercises/kv-server-threads/`.
pub const CHECK: Check = Check {
    name: "kv-server-threads",
    info: include_str!("../../../exercises/kv-server-threads/exercise.toml"),
    setup: crate::no_setup,
    steps: STEPS,
};

/// The steps, in order.
pub const STEPS: &[Step] = &[
    // kv-server's steps, on one connection at a time.
    Step {
        id: "set-and-get",
        name: "SET stores a value (spaces included) and GET returns it",
        run: kv_server::set_and_get,
    },
    Step {
        id: "missing-keys-and-del",
        name: "GET and DEL of a missing key reply NOT FOUND; DEL removes a key",
        run: kv_server::missing_keys_and_del,
    },
    Step {
        id: "incr",
        name: "INCR counts from 0 and refuses what is not an i64",
        run: kv_server::incr,
    },
    Step {
        id: "unknown-commands",
        name: "anything else gets ERR unknown command",
        run: kv_server::unknown_commands,
    },
    Step {
        id: "store-outlives-clients",
        name: "the store outlives its clients, served one after another",
        run: kv_server::store_outlives_clients,
    },
    Step {
        id: "bytewise",
        name: "requests sent one byte per write",
        run: kv_server::bytewise,
    },
    Step {
        id: "several-in-one-write",
        name: "several requests in one write",
        run: kv_server::several_in_one_write,
    },
    Step {
        id: "not-utf8",
        name: "a body that is not UTF-8 gets ERR not UTF-8, and the connection goes on",
        run: kv_server::not_utf8,
    },
    Step {
        id: "largest-request",
        name: "a request of 70000 bytes is read whole",
        run: kv_server::largest_request,
    },
    Step {
        id: "too-long",
        name: "a length over 70000 gets an ERR reply and the close, before any body",
        run: kv_server::too_long,
    },
    Step {
        id: "bad-headers",
        name: "a header that is not 8 digits gets an ERR reply and the close",
        run: kv_server::bad_headers,
    },
    Step {
        id: "closes-mid-request",
        name: "a client that closes in the middle of a request",
        run: kv_server::closes_mid_request,
    },
    Step {
        id: "closes-at-once",
        name: "a client that connects and closes without sending",
        run: kv_server::closes_at_once,
    },
    Step {
        id: "resets",
        name: "a client that resets the connection in the middle of a request",
        run: kv_server::resets,
    },
    // Many clients at once.
    Step {
        id: "quiet-clients-delay-nobody",
        name: "a client that has gone quiet, and one that never spoke, delay nobody",
        run: quiet_clients_delay_nobody,
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
        id: "restarts",
        name: "restarts at once on the same port",
        run: kv_server::restarts,
    },
];

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
    let until = match dropped {
        true => ", until the server dropped the quiet ones for --idle-timeout (1 s)",
        false => "",
    };
    let mut problem = format!(
        "A third client waited {} ms for its replies, while a client that had stored a value and \
         one that had said nothing were connected and quiet{until}. Serve each client on a \
         thread of its own (`thread::spawn` in the accept loop), and never hold the store's \
         lock while waiting for a client: lock it for one request at a time.",
        waited.as_millis()
    );
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

/// With `--max-clients 3`: three clients leave, one by closing, one by resetting its
/// connection, one refused for a broken header; then three new clients are let in, and the
/// fourth is still refused.
pub fn places_given_back(lab: &mut Lab) -> StepResult {
    lab.use_extra_args(CAP_ARGS)?;
    // The clients of the step before have just left: their places must come back.
    let still_held = "The clients of the step before have left, but the server still said ERR \
                      server full: a client's place must be given back when its thread ends.";
    let mut leaving = Vec::new();
    for number in 1..=CAP {
        let client = admitted(lab, number, still_held);
        leaving.push(client.map_err(|failure| with_places_reproduce(failure, lab))?);
    }
    let mut refused = lab.connect()?;
    expect_full(lab, &mut refused, FOURTH)?;
    // Each leaves its own way.
    let [closes, resets, mut broken] = <[Conn; CAP]>::try_from(leaving)
        .map_err(|_| Failure::new("the checker lost count of its clients"))?;
    drop(closes);
    resets.reset()?;
    broken.send(b"abcdefgh")?;
    drop(broken);
    let held = "Three clients left (one closed its connection, one reset it, one sent a header \
                that is not 8 digits), but the server still said ERR server full for a new one \
                after 1 s: give a client's place back when its thread ends, however serving it \
                ended (with an error too).";
    let mut clients = Vec::new();
    for number in CAP + 1..=2 * CAP {
        let client = admitted(lab, number, held);
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

/// 50 clients connect, then each sends 100 `INCR counter` in one write, all at once: the
/// replies are the numbers 1 to 5000, each once, and `GET counter` is `5000`. Lost counts show
/// only when two INCRs meet, which may not happen every time: the same 50 clients do it again
/// on `counter2`, `counter3`, ... (`ROUNDS` in all).
pub fn fifty_clients_count(lab: &mut Lab) -> StepResult {
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
        count_at_once(&mut clients, &mut reader, &key, lab.default_port)?;
    }
    Ok(())
}

/// One round of [`fifty_clients_count`], on `key`.
fn count_at_once(clients: &mut [Conn], reader: &mut KvClient, key: &str, port: u16) -> StepResult {
    let burst = frame(format!("INCR {key}").as_bytes()).repeat(INCRS);
    for client in clients.iter_mut() {
        client.send(&burst)?;
    }
    // Who got each number: `givers[n]` lists the clients whose INCR replied n.
    let total = clients.len() * INCRS;
    let mut givers: Vec<Vec<usize>> = vec![Vec::new(); total + 1];
    for (index, client) in clients.iter_mut().enumerate() {
        for _ in 0..INCRS {
            let reply = read_reply(client)?;
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
        let request =
            String::from_utf8_lossy(&frame(format!("INCR {key}").as_bytes())).into_owned();
        failure.reproduce = vec![
            format!(
                "for i in $(seq {CLIENTS}); do (for j in $(seq {INCRS}); do printf '{request}'; \
                 done) | nc -N 127.0.0.1 {port} > /dev/null & done; wait"
            ),
            format!("cargo run -q --bin string-client -- --port {port} --message 'GET {key}'"),
        ];
        failure
    }
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
