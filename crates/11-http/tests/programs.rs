//! The programs as commands: `--help` explains every option, and a bad `--root`, a bad
//! option or a port in use is one clear `error:` line and exit code 1.

use std::path::Path;

use predicates::prelude::*;
use testkit::procs::{self, expect_help_mentions};

use crate::common::{CLIENT, SERVER, TempFolder};

#[test]
fn help_explains_every_option() {
    let server = Path::new(SERVER);
    let wanted = [
        "--port",
        "--host",
        "--root",
        "--idle-timeout",
        "--max-clients",
        "--trace",
        "8000",
    ];
    expect_help_mentions(server, &[], &wanted).expect("http-server --help");
    let client = Path::new(CLIENT);
    let wanted = [
        "--output",
        "--head",
        "--follow",
        "--timeout",
        "--deadline",
        "--max-bytes",
        "--trace",
    ];
    expect_help_mentions(client, &[], &wanted).expect("http-get --help");
}

#[test]
fn a_root_that_does_not_exist_or_is_a_file_is_an_error_line() {
    let folder = TempFolder::new("bad-root");
    let missing = folder.path.join("missing");
    assert_cmd::Command::new(SERVER)
        .args(["--port", "0", "--root", missing.to_str().expect("utf-8")])
        .timeout(procs::STEP_TIMEOUT)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: cannot serve {}: no such folder (give an existing folder with --root)\n",
            missing.display()
        ));
    let file = folder.write("file.txt", b"x");
    assert_cmd::Command::new(SERVER)
        .args(["--port", "0", "--root", file.to_str().expect("utf-8")])
        .timeout(procs::STEP_TIMEOUT)
        .assert()
        .code(1)
        .stderr(format!(
            "error: cannot serve {}: it is not a folder\n",
            file.display()
        ));
}

#[test]
fn without_root_the_shipped_site_is_found_from_the_current_folder_upwards() {
    let server = testkit::procs::Server::start(Path::new(SERVER), &["--port", "0"]);
    let mut server = server.expect("http-server starts in its crate's folder");
    // `cargo test` runs in crates/11-http: the site is two folders up, then down again.
    server
        .expect_line("serving the files in ../../crates/11-http/site")
        .expect("the folder line");
}

#[test]
fn a_port_in_use_is_one_error_line() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = busy.local_addr().expect("address").port().to_string();
    assert_cmd::Command::new(SERVER)
        .args(["--port", &port])
        .timeout(procs::STEP_TIMEOUT)
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(format!(
            "error: could not listen on 127.0.0.1:{port}: address already in use"
        )));
}

#[test]
fn bad_options_are_refused_with_a_reason() {
    for (args, reason) in [
        (vec!["--idle-timeout", "0"], "must be more than 0"),
        (vec!["--max-clients", "0"], "0 is not in 1..=100000"),
    ] {
        assert_cmd::Command::new(SERVER)
            .args(&args)
            .timeout(procs::STEP_TIMEOUT)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(reason));
    }
    assert_cmd::Command::new(CLIENT)
        .timeout(procs::STEP_TIMEOUT)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<URL>"));
}
