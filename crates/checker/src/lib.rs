//! `cargo exercise`: the exercises students write, and the checker that tells them, step by
//! step, whether their program works.
//!
//! Each exercise has a folder, `crates/exercises/NAME/` ([`workspace`] lists its files), and a
//! check module in the `checks` crate (`crates/checks/src/NAME.rs`; lessons 8-11's in
//! `checks-concurrent`), whose [`Check`] gives the named steps. The
//! exercise's `exercise.toml` (lesson, title, port, points, hints) is compiled in, so a
//! student's copy cannot change what its grade is worth. Its known-bad programs
//! ([`known_bad`]) each fail at the step meant to catch them ([`verify`] proves it).
//!
//! A check builds the program ([`compile`]), starts it, runs the steps in order and stops at
//! the first failure ([`runner`]), which a [`report`] shows with the bytes sent, expected and
//! received and the commands that reproduce it by hand (`contract::lab`); [`progress`] records
//! it. Steps are black-box: they only talk to the program over sockets, so any program that
//! speaks the protocol passes, whoever wrote it. [`grade`] does the same for a whole class.
//!
//! Data goes one way: [`cli`] parses the command line and calls the modules below it; the
//! runner returns an [`Outcome`] holding everything a report needs; no module calls back into
//! the one that called it.

pub mod catalog;
pub mod classroom;
pub mod cli;
pub mod compile;
pub mod grade;
pub mod known_bad;
pub mod progress;
pub mod report;
pub mod runner;
pub mod solutions;
pub mod verify;
pub mod watch;
pub mod workspace;

pub use checks::{Check, Rule, Step, no_setup};
pub use contract::lab::{Failure, Lab, StepResult};
pub use runner::{Outcome, Status, StepOutcome, Target, check};

/// A failure of the checker itself (cargo missing, a helper that does not start, no temporary
/// folder): never the student's, never saved as progress, never counted as a mistake caught.
/// `cargo exercise` stops with [`CheckerError::EXIT_CODE`] and says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckerError {
    message: String,
}

impl CheckerError {
    /// The exit status of a command that stopped because the checker failed (1 is a program
    /// that fails its check, 2 a command line that makes no sense).
    pub const EXIT_CODE: u8 = 3;

    /// A checker failure, said in one sentence.
    pub fn new(message: impl Into<String>) -> CheckerError {
        CheckerError {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for CheckerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CheckerError {}

impl From<anyhow::Error> for CheckerError {
    fn from(error: anyhow::Error) -> CheckerError {
        CheckerError::new(format!("{error:#}"))
    }
}

/// One exercise: what the student writes, how it is checked, and the hints.
#[derive(Debug)]
pub struct Exercise {
    /// The name, also its folder and the student's binary: `greet-server`.
    pub name: &'static str,
    /// The lesson it belongs to.
    pub lesson: u8,
    /// A few words on the task.
    pub title: String,
    /// A server the checker starts, or a client it runs.
    pub kind: Kind,
    /// The port the program uses by default (a client exercise: its server's port).
    pub port: u16,
    /// What passing every step is worth in grading reports; each step is worth an equal
    /// share ([`Exercise::step_share`]).
    pub points: u32,
    /// The lesson section that presents it, from the repository root, with its anchor.
    pub section: String,
    /// Hints, from a nudge to nearly the answer; `cargo exercise hint` shows one more each time.
    pub hints: Vec<String>,
    /// What to do before the first step (start helper programs, add options).
    pub setup: fn(&mut Lab) -> StepResult,
    /// The steps of the check, in order.
    pub steps: &'static [Step],
    /// The rules the starter's header states, each with its step and known-bad programs.
    pub rules: &'static [Rule],
}

/// What kind of program an exercise is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A server: the checker starts it and connects to it.
    Server,
    /// A client: the checker runs it against servers of its own.
    Client,
}

impl Exercise {
    /// What one step is worth: the exercise's points shared equally between its steps.
    pub fn step_share(&self) -> f64 {
        f64::from(self.points) / self.steps.len().max(1) as f64
    }

    /// The 1-based number of the step whose id is `id`.
    pub fn step_number(&self, id: &str) -> Option<usize> {
        self.steps
            .iter()
            .position(|step| step.id == id)
            .map(|index| index + 1)
    }
}

/// The exercise called `name`.
pub fn find(name: &str) -> Option<&'static Exercise> {
    catalog::all().iter().find(|exercise| exercise.name == name)
}
