//! The benchmarks run, on a tiny load, and print their tables in the promised shape (the
//! numbers themselves are measurements: `just bench-concurrency` and `just bench-chat`).

use std::path::Path;

use testkit::procs::STEP_TIMEOUT;

const CONCURRENCY: &str = env!("CARGO_BIN_EXE_concurrency-bench");
const CHAT: &str = env!("CARGO_BIN_EXE_chat-bench");

/// The benchmarks start lesson 8's and lesson 9's servers too, which this package does not
/// build: build them (once per test binary; quick when they are up to date).
fn build_other_lessons() {
    testkit::bins::build(&["lesson-concurrency", "lesson-chat"]).expect("lessons 8 and 9 build");
}

/// Runs `program` with `args`; returns its stdout, which must come with exit status 0 and
/// nothing on stderr.
fn run(program: &str, args: &[&str]) -> String {
    let output = assert_cmd::Command::new(program)
        .args(args)
        .timeout(STEP_TIMEOUT * 6)
        .output()
        .expect("the benchmark runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(stderr, "", "{stdout}");
    stdout
}

/// The words of the row of `label` at `number`, after the label.
fn row<'a>(table: &'a str, label: &str, number: usize) -> Vec<&'a str> {
    table
        .lines()
        .filter_map(|line| line.strip_prefix(label))
        .map(|rest| rest.split_whitespace().collect::<Vec<_>>())
        .find(|words| words.first() == Some(&number.to_string().as_str()))
        .unwrap_or_else(|| panic!("no row {label} {number} in:\n{table}"))
}

#[test]
#[ignore = "stress: seconds of load; `cargo test -- --ignored` runs it, as .ci/run does"]
fn concurrency_bench_measures_every_server_at_every_client_count() {
    build_other_lessons();
    let table = run(
        CONCURRENCY,
        &[
            "--clients",
            "2",
            "--seconds",
            "0.1",
            "--warmup",
            "0.1",
            "--idle",
            "2",
        ],
    );
    let linux = Path::new("/proc/self/status").exists();
    let with_c = !table.contains("note: no C baseline");
    let mut labels = vec![
        "one at a time",
        "thread per client",
        "pool of 4",
        "poll-server",
        "async-server",
    ];
    if with_c {
        labels.push("C epoll");
    }
    for clients in [2] {
        for label in &labels {
            let words = row(&table, label, clients);
            // clients, requests/s, p50, p99, max, threads, RSS and its unit, CPU, µs/req
            assert_eq!(words.len(), 10, "{label} {clients}: {words:?}");
            let throughput: f64 = words[1].parse().expect("requests/s");
            assert!(throughput > 0.0, "{label} {clients}: no request answered");
            for number in &words[2..5] {
                number.parse::<f64>().expect("a latency");
            }
            if !linux {
                continue;
            }
            let threads: usize = words[5].parse().expect("threads");
            // Every server of ours has one thread more than it serves with: netlesson's log
            // writer (a full stdout never stops serving). The C server has none.
            let log = usize::from(*label != "C epoll");
            // The pool's workers start a watchdog thread per client they serve
            // (--client-deadline), gone between clients.
            let expected = match *label {
                "one at a time" => 2 + log..=3 + log,
                "pool of 4" => 5 + log..=5 + log + clients,
                // A thread per connection, and a session's thread may still be ending while
                // the same client's next one starts.
                "thread per client" => 1 + log..=1 + log + 2 * clients,
                _ => 1 + log..=1 + log,
            };
            assert!(
                expected.contains(&threads),
                "{label} {clients}: {threads} threads"
            );
            assert_eq!(words[7], "MiB", "{label} {clients}");
        }
    }
    for label in ["poll-server", "async-server"] {
        if with_c {
            assert!(
                table.contains(&format!("{label:<13} at     2 clients: ")),
                "no ratio for {label}:\n{table}"
            );
        }
    }
    let idle_line = |label: &str| {
        table
            .lines()
            .find(|line| line.trim_start().starts_with(label) && line.contains("threads,"))
            .unwrap_or_else(|| panic!("no idle line for {label}:\n{table}"))
            .to_string()
    };
    assert!(table.contains("\n2 idle clients connected:\n"), "{table}");
    if linux {
        assert!(
            idle_line("thread per client").contains(" 4 threads, "),
            "{table}"
        );
        assert!(
            idle_line("async-server").contains(" 2 threads, "),
            "{table}"
        );
        assert!(idle_line("poll-server").contains(" 2 threads, "), "{table}");
    }
}

#[test]
#[ignore = "stress: seconds of load; `cargo test -- --ignored` runs it, as .ci/run does"]
fn chat_bench_measures_both_chat_servers_and_delivers_every_line_in_a_calm_room() {
    build_other_lessons();
    let table = run(
        CHAT,
        &[
            "--members",
            "4",
            "--slow",
            "1",
            "--interval",
            "0.1",
            "--seconds",
            "0.5",
            "--drain",
            "0.5",
            "--no-busy",
        ],
    );
    for label in ["chat-server", "async-chat-server"] {
        let words = row(&table, label, 4);
        // members, every (2 words), lines/s, delivered/s, share, p50, p99, max, µs/line,
        // dropped (4 words), threads, RSS (2 words)
        assert_eq!(words.len(), 17, "{label}: {words:?}");
        assert_eq!(
            words[5], "100.0%",
            "{label}: every line reaches every reader:\n{table}"
        );
        assert_eq!(
            &words[10..14],
            ["0", "of", "1,", "0"],
            "{label}: nobody dropped:\n{table}"
        );
    }
}
