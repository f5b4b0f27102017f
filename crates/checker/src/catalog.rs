//! The table of exercises, in lesson order: each check module's [`Check`] (its steps) with its
//! exercise's `exercise.toml` (lesson, title, port, points, hints).
//!
//! To add an exercise: its folder in `crates/exercises/NAME/` (see [`crate::workspace`]), its
//! check module in `checks/` with a `CHECK`, listed in [`crate::checks::ALL`], and a section in
//! its lesson. The course-wide test `exercises` says what is missing (the binaries to declare
//! in `crates/exercises/Cargo.toml` among them).

use std::sync::LazyLock;

use serde::Deserialize;

use crate::{Exercise, Kind, Step, StepResult};
use contract::lab::Lab;

/// What a check module declares about its exercise.
#[derive(Debug)]
pub struct Check {
    /// The exercise's name, also its folder: `greet-server`.
    pub name: &'static str,
    /// Its `exercise.toml`, compiled in (`include_str!`).
    pub info: &'static str,
    /// What to do before the first step (start helper programs, add options).
    pub setup: fn(&mut Lab) -> StepResult,
    /// The steps, in order.
    pub steps: &'static [Step],
}

/// Every exercise, in lesson order.
pub fn all() -> &'static [Exercise] {
    static ALL: LazyLock<Vec<Exercise>> =
        LazyLock::new(|| crate::checks::ALL.iter().map(load).collect());
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
    }
}

#[cfg(test)]
mod tests {
    use super::{Info, all};

    #[test]
    fn every_exercise_toml_is_valid() {
        for check in crate::checks::ALL {
            if let Err(error) = toml::from_str::<Info>(check.info) {
                panic!("{}: {error}", check.name);
            }
        }
        assert_eq!(all().len(), crate::checks::ALL.len());
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
