//! `echo-bench` works: it starts the servers, pushes data through them, checks it and prints
//! its table. On a tiny size and one run, so that it is quick; the numbers are not checked
//! (timing depends on the machine), only that every row is there and makes sense.

use std::path::Path;
use std::process::Command;

use testkit::procs;

const BENCH: &str = env!("CARGO_BIN_EXE_echo-bench");
const SERVER: &str = env!("CARGO_BIN_EXE_echo-server");

fn c_compiler_available() -> bool {
    Command::new("cc")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

#[test]
fn bench_pushes_data_through_echo_server_and_the_c_server_and_prints_a_row_for_each() {
    let args = ["--mib", "1", "--rounds", "1", "--server", SERVER];
    let output = procs::Output::from(procs::one_shot(Path::new(BENCH), &args, b""));
    assert_eq!(output.stderr, "");
    assert_eq!(output.code(), 0, "{}", output.stdout);
    let mut servers = vec!["echo-server"];
    if c_compiler_available() {
        servers.push("C echo server");
    } else {
        eprintln!("no C compiler (cc): checking the echo-server rows only");
        assert!(
            output
                .stdout
                .contains("note: measuring echo-server only: there is no C compiler")
        );
    }
    let lines: Vec<&str> = output.stdout.lines().collect();
    let header = lines
        .iter()
        .position(|line| line.starts_with("server "))
        .unwrap_or_else(|| panic!("no table header in:\n{}", output.stdout));
    let rows = &lines[header + 1..];
    assert_eq!(rows.len(), servers.len() * 2, "{}", output.stdout);
    for (row, (server, buffer)) in rows.iter().zip(
        servers
            .iter()
            .flat_map(|server| [(server, "1024"), (server, "65536")]),
    ) {
        assert!(row.starts_with(server), "{row}");
        let numbers: Vec<&str> = row[server.len()..].split_whitespace().collect();
        assert_eq!(numbers[0], buffer, "{row}");
        assert_eq!(numbers[1], "1", "{row}");
        let seconds: f64 = numbers[2].parse().expect("seconds");
        let rate: f64 = numbers[3].parse().expect("MiB/s");
        assert!(seconds > 0.0 && rate > 0.0, "{row}");
    }
}

#[test]
fn bench_reports_a_server_program_it_cannot_run() {
    let args = [
        "--mib",
        "1",
        "--rounds",
        "1",
        "--server",
        "/nonexistent/echo-server",
    ];
    let output = procs::Output::from(procs::one_shot(Path::new(BENCH), &args, b""));
    assert_eq!(output.code(), 1);
    assert!(
        output.stderr.starts_with(
            "error: could not start echo-server: could not run /nonexistent/echo-server"
        ),
        "{}",
        output.stderr
    );
}
