//! `cargo exercise`: the exercises students write, and the checker that tells them, step by
//! step, whether their program works.
//!
//! Each exercise has a folder, `crates/exercises/NAME/` ([`workspace`] lists its files), and a
//! check module, `checks/NAME.rs`, whose [`catalog::Check`] gives the named steps. The
//! exercise's `exercise.toml` (lesson, title, port, points, hints) is compiled in, so a
//! student's copy cannot change what its grade is worth. Its known-bad programs
//! ([`known_bad`]) each fail at the step meant to catch them ([`verify`] proves it).
//!
//! A check builds the program, starts it, runs the steps in order and stops at the first
//! failure, which it shows with the bytes sent, expected and received and the commands that
//! reproduce it by hand (`contract::lab`). Steps are black-box: they only talk to the program
//! over sockets, so any program that speaks the protocol passes, whoever wrote it.

pub mod catalog;
pub mod checks;
pub mod cli;
pub mod known_bad;
pub mod progress;
pub mod report;
pub mod runner;
pub mod watch;
pub mod workspace;

pub use contract::lab::{Failure, Lab, StepResult};
pub use runner::{Outcome, StepOutcome, Target, check, verify};

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
    /// What passing every step is worth in grading reports.
    pub points: u32,
    /// The lesson section that presents it, from the repository root, with its anchor.
    pub section: String,
    /// Hints, from a nudge to nearly the answer; `cargo exercise hint` shows one more each time.
    pub hints: Vec<String>,
    /// What to do before the first step (start helper programs, add options).
    pub setup: fn(&mut Lab) -> StepResult,
    /// The steps of the check, in order.
    pub steps: &'static [Step],
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

/// One named step of a check.
#[derive(Debug)]
pub struct Step {
    /// A short name that never changes, which known-bad programs use to say which step
    /// catches them: `answers-one-client`.
    pub id: &'static str,
    /// What it checks, in words: `answers one client`.
    pub name: &'static str,
    /// The step itself.
    pub run: fn(&mut Lab) -> StepResult,
}

impl Exercise {
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

/// A setup that does nothing.
pub fn no_setup(_: &mut Lab) -> StepResult {
    Ok(())
}
