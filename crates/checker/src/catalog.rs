//! The table of exercises, in lesson order: each check module's [`Check`] (its steps) with its
//! exercise's `exercise.toml` (lesson, title, port, points, hints).
//!
//! To add an exercise: its folder in `crates/exercises/NAME/` (see [`crate::workspace`]), its
//! check module in `crates/checks/src/` or `crates/checks-concurrent/src/` with a `CHECK`,
//! listed in [`CHECKS`], and a section in
//! its lesson. The course-wide test `exercises` says what is missing (the binaries to declare
//! in `crates/exercises/Cargo.toml` among them).

use std::sync::LazyLock;

use serde::Deserialize;

use crate::{Check, Exercise, Kind};

/// Every exercise's check, in lesson order: lessons 1-7's from `checks`, 8-11's from
/// `checks-concurrent`.
pub const CHECKS: &[Check] = &[
    checks::greet_server::CHECK,
    checks::rfc868_time_server::CHECK,
    checks::count_server::CHECK,
    checks::command_server::CHECK,
    checks::kv_server::CHECK,
    checks::file_server::CHECK,
    checks::udp_pinger::CHECK,
    checks_concurrent::kv_server_threads::CHECK,
    checks_concurrent::budget_chat::CHECK,
    checks_concurrent::kv_server_async::CHECK,
    checks_concurrent::http_file_server::CHECK,
];

/// Every exercise, in lesson order.
pub fn all() -> &'static [Exercise] {
    static ALL: LazyLock<Vec<Exercise>> = LazyLock::new(|| CHECKS.iter().map(load).collect());
    &ALL
}

/// An `exercise.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Info {
    lesson: u8,
    title: String,
    kind: Kind,
    port: u16,
    points: u32,
    section: String,
    hints: Vec<Hint>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Hint {
    text: String,
}

/// The exercise of `check`. Its `exercise.toml` is compiled in: if it does not parse, the
/// course itself is broken, which the test `every_exercise_toml_is_valid` catches first.
fn load(check: &Check) -> Exercise {
    let info: Info = toml::from_str(check.info).unwrap_or_else(|error| {
        panic!(
            "crates/exercises/{}/exercise.toml is not valid: {error}",
            check.name
        )
    });
    Exercise {
        name: check.name,
        lesson: info.lesson,
        title: info.title,
        kind: info.kind,
        port: info.port,
        points: info.points,
        section: info.section,
        hints: info.hints.into_iter().map(|hint| hint.text).collect(),
        setup: check.setup,
        steps: check.steps,
        rules: check.rules,
    }
}

#[cfg(test)]
mod tests {
    use super::{CHECKS, Info, all};

    #[test]
    fn every_exercise_toml_is_valid() {
        for check in CHECKS {
            if let Err(error) = toml::from_str::<Info>(check.info) {
                panic!("{}: {error}", check.name);
            }
        }
        assert_eq!(all().len(), CHECKS.len());
    }

    #[test]
    fn step_ids_are_unique_within_each_exercise() {
        for exercise in all() {
            let mut ids: Vec<&str> = exercise.steps.iter().map(|step| step.id).collect();
            ids.sort_unstable();
            let count = ids.len();
            ids.dedup();
            assert_eq!(ids.len(), count, "{}: two steps share an id", exercise.name);
        }
    }
}
