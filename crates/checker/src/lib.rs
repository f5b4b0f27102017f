//! `cargo exercise`: the exercises students write, and the checker that tells them, step by
//! step, whether their program works.
//!
//! Each exercise is an entry of [`catalog::ALL`]: its name, lesson, hints, and the named steps
//! of its check. The student's file is `crates/exercises/src/bin/NAME.rs`; the reference
//! solution `crates/exercises/solutions/NAME.rs` (binary `NAME-solution`); the starter as
//! shipped `crates/exercises/starters/NAME.rs` (binary `NAME-starter`, what `reset` restores);
//! and known-bad programs `crates/exercises/fixtures/NAME/BAD.rs` (binary `NAME-bad-BAD`),
//! each of which must fail at the step meant to catch it ([`verify`] proves it).
//!
//! A check builds the program, starts it, runs the steps in order and stops at the first
//! failure, which it shows with the bytes sent, expected and received and the commands that
//! reproduce it by hand (`contract::lab`). Steps are black-box: they only talk to the program over
//! sockets, so any program that speaks the protocol passes, whoever wrote it.

pub mod catalog;
pub mod checks;
pub mod cli;
pub mod progress;
pub mod report;
pub mod runner;

pub use contract::lab::{Failure, Lab, StepResult};
pub use runner::{Outcome, StepOutcome, Target, check, verify};

/// One exercise: what the student writes, how it is checked, and the hints.
#[derive(Debug)]
pub struct Exercise {
    /// The name, also the student's binary: `greet-server`.
    pub name: &'static str,
    /// The lesson it belongs to.
    pub lesson: u8,
    /// A few words on the task.
    pub title: &'static str,
    /// A server the checker starts, or a client it runs.
    pub kind: Kind,
    /// The port the program uses by default (a client exercise: its server's port).
    pub port: u16,
    /// The lesson section that presents it, from the repository root, with its anchor.
    pub section: &'static str,
    /// Hints, from a nudge to nearly the answer; `cargo exercise hint` shows one more each time.
    pub hints: &'static [&'static str],
    /// What to do before the first step (start helper programs, add options).
    pub setup: fn(&mut Lab) -> StepResult,
    /// The steps of the check, in order.
    pub steps: &'static [Step],
    /// Known-bad programs and the step that must catch each one.
    pub fixtures: &'static [Fixture],
}

/// What kind of program an exercise is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A server: the checker starts it and connects to it.
    Server,
    /// A client: the checker runs it against servers of its own.
    Client,
}

/// One named step of a check.
#[derive(Debug)]
pub struct Step {
    /// What it checks, e.g. `answers one client`.
    pub name: &'static str,
    /// The step itself.
    pub run: fn(&mut Lab) -> StepResult,
}

/// A known-bad program kept to prove that the check catches its mistake.
#[derive(Debug)]
pub struct Fixture {
    /// Its name: the file `fixtures/EXERCISE/NAME.rs`, the binary `EXERCISE-bad-NAME`.
    pub name: &'static str,
    /// The mistake it makes.
    pub mistake: &'static str,
    /// The name of the step that must fail for it (every step before must pass).
    pub caught_by: &'static str,
}

impl Exercise {
    /// The 1-based number of the step called `name`.
    pub fn step_number(&self, name: &str) -> Option<usize> {
        self.steps
            .iter()
            .position(|step| step.name == name)
            .map(|index| index + 1)
    }
}

/// The exercise called `name`.
pub fn find(name: &str) -> Option<&'static Exercise> {
    catalog::ALL.iter().find(|exercise| exercise.name == name)
}

/// A setup that does nothing.
pub fn no_setup(_: &mut Lab) -> StepResult {
    Ok(())
}
