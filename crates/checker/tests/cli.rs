//! `cargo exercise`'s exit statuses: 2 for a command line that makes no sense, 3 when the
//! checker itself cannot do its job, which is never blamed on the student.

use assert_cmd::Command;
use predicates::prelude::*;

fn exercise() -> Command {
    Command::cargo_bin("exercise").expect("the exercise binary is built")
}

#[test]
fn a_checker_without_cargo_stops_with_its_own_status_and_blames_nobody() {
    exercise()
        .args(["check", "greet-server"])
        .env("CARGO", "/no/such/cargo")
        .env("PATH", "/no/such/folder")
        .assert()
        .code(3)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::starts_with("error: "))
        .stderr(predicate::str::contains("cargo"))
        .stderr(predicate::str::contains("fails at step").not());
}

#[test]
fn an_unknown_exercise_is_a_usage_error() {
    exercise()
        .args(["check", "no-such-exercise"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "there is no exercise `no-such-exercise`; the exercises are: greet-server,",
        ));
}

#[test]
fn reset_without_yes_changes_nothing_and_says_why() {
    exercise()
        .args(["reset", "greet-server"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run it again with --yes"));
}
