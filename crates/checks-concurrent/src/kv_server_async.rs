//! The check of `kv-server-async` (lesson 10): exercise `kv-server-threads`' store, served
//! with tokio tasks on one thread.
//!
//! Every step of kv-server-threads' check applies, as it is: kv-server's steps, quiet clients
//! that delay nobody, the cap and its places given back, 50 clients counting at once. This
//! check adds what a thread per client would struggle with: 1000 clients connected at the
//! same time, each answered while all of them stay connected.

use netlesson::show::show_bytes;

use super::kv_server_threads::{self, Serving};
use checks::kv_server::{self, KvClient, frame, parse_header};
use checks::{Check, Rule, Step};
use contract::lab::{Conn, Failure, Lab, StepResult};

/// The exercise: its folder is `crates/exercises/kv-server-async/`.
pub const CHECK: Check = Check {
    name: "kv-server-async",
    info: include_str!("../../exercises/kv-server-async/exercise.toml"),
    setup: checks::no_setup,
    steps: STEPS,
    rules: RULES,
};

/// The rules of the starter's header that its known-bad programs break, each with the step
/// that catches it. (Its header's other rules have steps, but no known-bad program yet.)
pub const RULES: &[Rule] = &[
    Rule {
        rule: "every client is served by a tokio *task* on ONE thread, instead of a thread of its \
               own: 1000 clients connected at once must all be answered",
        step: "thousand-clients",
        known_bad: &["a-thread-per-client"],
    },
    Rule {
        rule: "No client waits for another: nothing in a task may block the thread (no \
               `std::thread::sleep`, no `std::net` socket)",
        step: "quiet-clients-delay-nobody",
        known_bad: &["blocks-the-thread", "awaits-each-client"],
    },
    Rule {
        rule: "At most `--max-clients` clients (64 unless told otherwise) are served at once.",
        step: "past-the-cap",
        known_bad: &["no-cap"],
    },
    Rule {
        rule: "As soon as a client leaves, however it leaves, its place is free again.",
        step: "places-given-back",
        known_bad: &["never-gives-the-place-back"],
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

/// The steps, in order: kv-server's protocol steps (`checks::kv_steps!`), then kv-server-threads'
/// (the same names and checks, their failures worded for tasks), with a thousand clients before
/// its silent clients.
pub const STEPS: &[Step] = checks::kv_steps![
    Step {
        id: "quiet-clients-delay-nobody",
        name: "a client that has gone quiet, and one that never spoke, delay nobody",
        run: quiet_clients_delay_nobody,
    },
    Step {
        id: "past-the-cap",
        name: "the client past --max-clients gets ERR server full, and the close",
        run: kv_server_threads::past_the_cap,
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
        id: "thousand-clients",
        name: "1000 clients at once, served by tasks on a few threads, each answered",
        run: thousand_clients,
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

/// A task per client: the words of kv-server-threads' steps for this exercise.
pub const TASKS: Serving = Serving {
    worker: "task",
    why_no_reply: "Most likely the runtime's thread is blocked: a blocking call inside a task \
                   (`std::thread::sleep`, a `std::net` socket, a lock held across an `.await`) \
                   stops every other task on that thread while it waits.\nInside a task, use \
                   what you `.await` instead (`tokio::time::sleep`, `tokio::net`).",
    idle_fix: "put the `timeout(...)` around each read of a request, inside the loop.",
    serve_each: "Serve each client in a task of its own (`tokio::spawn` in the accept loop), \
                 never call what blocks inside a task (`std::net`, `std::thread::sleep`), and \
                 never hold the store's lock across an `.await`.",
};

/// kv-server-threads' step, with advice for tasks: quiet clients delay nobody.
fn quiet_clients_delay_nobody(lab: &mut Lab) -> StepResult {
    kv_server_threads::quiet_clients_delay_nobody_by(lab, &TASKS)
}

/// kv-server-threads' step: a place is free again as soon as a client leaves.
fn places_given_back(lab: &mut Lab) -> StepResult {
    kv_server_threads::places_given_back_by(lab, &TASKS)
}

/// kv-server-threads' step: 50 clients count at once, and no count is lost.
fn fifty_clients_count(lab: &mut Lab) -> StepResult {
    kv_server_threads::fifty_clients_count_by(lab, &TASKS)
}

/// kv-server-threads' step: a client that goes silent after a request is dropped too.
fn silent_after_a_request(lab: &mut Lab) -> StepResult {
    kv_server_threads::silent_after_a_request_by(lab, &TASKS)
}

/// How many clients [`thousand_clients`] connects.
const THOUSAND: usize = 1000;

/// The most threads the server may have with 1000 clients connected: tasks, not threads.
const MOST_THREADS: u64 = 16;

/// With `--max-clients 2000`: 1000 clients connect, each sending `INCR thousand` as it comes;
/// with all of them connected, the server has a few threads, not one per client; the replies
/// are the numbers 1 to 1000, each once; then `GET thousand` is `1000`. (Each client says
/// nothing after its INCR: the server may drop it after --idle-timeout, once it has replied.)
pub fn thousand_clients(lab: &mut Lab) -> StepResult {
    lab.use_extra_args(&["--max-clients", "2000"])?;
    let request = frame(b"INCR thousand");
    let mut clients = Vec::with_capacity(THOUSAND);
    for _ in 0..THOUSAND {
        let mut client = lab.connect()?;
        client.send(&request)?;
        clients.push(client);
    }
    if let Some(threads) = lab.server_pid().and_then(threads_of)
        && threads > MOST_THREADS
    {
        return Err(Failure::new(format!(
            "With {THOUSAND} clients connected, the server has {threads} threads: each client \
             needs a tokio task (`tokio::spawn(async move {{ ... }})`), not a thread of its own \
             (`thread::spawn`, `spawn_blocking`). A task costs a few KiB; a thread a stack, and a \
             turn of the kernel's scheduler."
        )));
    }
    let mut answered = vec![false; THOUSAND + 1];
    for (index, client) in clients.iter_mut().enumerate() {
        let reply = match read_reply(client) {
            Ok(reply) => reply,
            Err(mut failure) => {
                failure.problem = format!(
                    "{THOUSAND} clients connected, each sending INCR thousand; client {} got \
                     no reply: {}\nEvery client needs a task of its own (`tokio::spawn`), and \
                     nothing in a task may block the thread.",
                    index + 1,
                    failure.problem
                );
                return Err(failure);
            }
        };
        match reply.parse::<usize>() {
            Ok(number) if (1..=THOUSAND).contains(&number) && !answered[number] => {
                answered[number] = true;
            }
            _ => {
                let problem = format!(
                    "client {}'s INCR thousand got {reply:?}: the {THOUSAND} replies must be \
                     the numbers 1 to {THOUSAND}, each once",
                    index + 1
                );
                return Err(client.failure(problem));
            }
        }
    }
    drop(clients);
    let mut last = KvClient::connect(lab)?;
    last.ask("GET thousand", &THOUSAND.to_string())
}

/// The number of threads of process `pid`, from `/proc/<pid>/status` (Linux only).
fn threads_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("Threads:"))?;
    line["Threads:".len()..].trim().parse().ok()
}

/// One reply: an 8-digit length, then that many bytes.
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
