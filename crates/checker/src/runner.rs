//! Running an exercise's check on a program that is built already: the steps in order, up to
//! the first failure. The result is an [`Outcome`] that holds everything a report needs (the
//! failure, what the program printed during that step, the commands that reproduce it by
//! hand); the runner never prints, and never calls the report or the command line back. The
//! caller drives a check step by step ([`Checking::next_step`]) to show each step as it ends.

use std::path::Path;
use std::time::{Duration, Instant};

use contract::lab::{Blame, Failure, Lab, OutputMark};

use crate::Exercise;
use crate::compile::PACKAGE;
use crate::workspace::Workspace;

/// Which program of an exercise a check runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The student's program, `NAME/NAME.rs`.
    Student,
    /// The reference solution, `NAME/solution.rs`.
    Solution,
    /// The starter as shipped, `NAME/starter.rs`.
    Starter,
    /// A known-bad program, `NAME/known-bad/BAD.rs`.
    KnownBad(String),
}

impl Target {
    /// The binary's name: `greet-server`, `greet-server-solution`,
    /// `greet-server-known-bad-panics`.
    pub fn binary(&self, exercise: &Exercise) -> String {
        let name = exercise.name;
        match self {
            Target::Student => name.to_string(),
            Target::Solution => format!("{name}-solution"),
            Target::Starter => format!("{name}-starter"),
            Target::KnownBad(bad) => format!("{name}-known-bad-{bad}"),
        }
    }

    /// The command that runs it by hand from the root of the course (options go after it).
    pub fn by_hand(&self, exercise: &Exercise) -> String {
        format!(
            "cargo run -q -p {PACKAGE} --bin {} --",
            self.binary(exercise)
        )
    }
}

/// What the program printed during a failing step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Printed {
    /// The lines it printed during the step, as it printed them.
    pub lines: Vec<String>,
    /// How many lines it had printed before the step (left out of the report).
    pub earlier: usize,
}

/// The result of one step.
#[derive(Debug)]
pub struct StepOutcome {
    /// Its number, from 1.
    pub number: usize,
    /// Its id (`Step::id`).
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// How long it took.
    pub duration: Duration,
    /// Why it failed, if it did.
    pub failure: Option<Failure>,
    /// What the program printed during the step (only kept for a failed step).
    pub printed: Printed,
    /// The commands that reproduce a failure by hand, one per terminal, the program's own
    /// first (only for a failed step).
    pub reproduce: Vec<String>,
}

/// Facts about the student's file, for grading: its hash, and whether it is the starter or
/// the reference solution, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileFacts {
    /// The sha256 of the file, in hex.
    pub sha256: String,
    /// Whether it is the starter, unchanged.
    pub same_as_starter: bool,
    /// Whether it is the reference solution (`false` in a copy without solutions).
    pub same_as_solution: bool,
}

impl FileFacts {
    /// The facts of `exercise`'s student file in `workspace` (`None` if it cannot be read).
    pub fn of(workspace: &Workspace, exercise: &Exercise) -> Option<FileFacts> {
        let student = std::fs::read(workspace.student_file(exercise)).ok()?;
        let same_as = |path: &Path| std::fs::read(path).is_ok_and(|other| other == student);
        Some(FileFacts {
            sha256: crate::compile::sha256(&student),
            same_as_starter: same_as(&workspace.starter_file(exercise)),
            same_as_solution: same_as(&workspace.solution_file(exercise)),
        })
    }
}

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every step passed.
    Passed,
    /// Step `n` (from 1) failed.
    FailedAt(usize),
    /// The program does not compile: no step ran.
    DoesNotCompile,
    /// The checker itself failed (not the program): the result says nothing of the program.
    CheckerFailed,
}

/// The result of checking one program: everything a report needs.
#[derive(Debug)]
pub struct Outcome {
    /// The exercise.
    pub exercise: &'static Exercise,
    /// Which program was checked.
    pub target: Target,
    /// The compiler's messages, if it could not be built (then no step ran).
    pub build_error: Option<String>,
    /// The checker's own failure, if it had one (then the check stopped; nobody's fault).
    pub checker_error: Option<String>,
    /// The steps that ran: all passed but maybe the last.
    pub steps: Vec<StepOutcome>,
    /// How long the steps took in all.
    pub duration: Duration,
    /// The student's file (checks of the student's program only).
    pub file: Option<FileFacts>,
    /// How many times the check ran: grading checks a program that fails once more, so that a
    /// machine too busy for a step's time limits never costs a student points.
    pub attempts: usize,
}

impl Outcome {
    /// An outcome with no step run: the program did not build (`build_error`).
    pub fn not_built(exercise: &'static Exercise, target: Target, build_error: String) -> Outcome {
        Outcome {
            exercise,
            target,
            build_error: Some(build_error),
            checker_error: None,
            steps: Vec::new(),
            duration: Duration::ZERO,
            file: None,
            attempts: 1,
        }
    }

    /// How the check ended.
    pub fn status(&self) -> Status {
        if self.checker_error.is_some() {
            return Status::CheckerFailed;
        }
        if self.build_error.is_some() {
            return Status::DoesNotCompile;
        }
        match self.failed_step() {
            Some(step) => Status::FailedAt(step.number),
            None if self.steps.len() == self.exercise.steps.len() => Status::Passed,
            // Cannot happen: a check runs every step unless one fails.
            None => Status::FailedAt(self.steps.len() + 1),
        }
    }

    /// Whether the program was built and passed every step.
    pub fn passed(&self) -> bool {
        self.status() == Status::Passed
    }

    /// The step that failed, if one did.
    pub fn failed_step(&self) -> Option<&StepOutcome> {
        self.steps.iter().find(|step| step.failure.is_some())
    }

    /// How many steps passed.
    pub fn steps_passed(&self) -> usize {
        self.steps
            .iter()
            .filter(|step| step.failure.is_none())
            .count()
    }

    /// The points earned: each step passed is worth its share of the exercise's points.
    pub fn points(&self) -> f64 {
        self.exercise.step_share() * self.steps_passed() as f64
    }

    /// One phrase for lists: `passed`, `fails at step 3 (...)`, `does not compile`.
    pub fn status_text(&self) -> String {
        match self.status() {
            Status::Passed => "passed".to_string(),
            Status::DoesNotCompile => "does not compile".to_string(),
            Status::CheckerFailed => "not checked: the checker failed".to_string(),
            Status::FailedAt(number) => {
                let name = self
                    .exercise
                    .steps
                    .get(number - 1)
                    .map_or("", |step| step.name);
                format!("fails at step {number} ({name})")
            }
        }
    }
}

/// A check under way: [`Checking::next_step`] runs one step at a time, [`Checking::finish`]
/// stops the program and gives the [`Outcome`].
pub struct Checking {
    outcome: Outcome,
    lab: Lab,
    /// The setup's result: a failed setup fails the first step.
    setup: Result<(), Failure>,
    started: Instant,
    done: bool,
}

impl Checking {
    /// Starts checking `program` (the binary of `target`, built): runs the exercise's setup.
    pub fn start(exercise: &'static Exercise, target: Target, program: &Path) -> Checking {
        let mut lab = Lab::new(program, target.by_hand(exercise), exercise.port);
        let setup = (exercise.setup)(&mut lab);
        Checking {
            outcome: Outcome {
                exercise,
                target,
                build_error: None,
                checker_error: None,
                steps: Vec::new(),
                duration: Duration::ZERO,
                file: None,
                attempts: 1,
            },
            lab,
            setup,
            started: Instant::now(),
            done: false,
        }
    }

    /// Runs the next step; `None` when the check is over (every step ran, one failed, or the
    /// checker failed).
    pub fn next_step(&mut self) -> Option<&StepOutcome> {
        let exercise = self.outcome.exercise;
        let index = self.outcome.steps.len();
        let step = exercise.steps.get(index).filter(|_| !self.done)?;
        let mark = self.lab.output_mark();
        let started = Instant::now();
        let result = self.setup.clone().and_then(|()| (step.run)(&mut self.lab));
        // A step may pass its own checks while the server died behind it; and when a step
        // fails, a server that died is the first thing to say.
        let result = result.and_then(|()| self.lab.expect_running());
        let result = result.map_err(|failure| match failure.blame {
            Blame::Program => self.lab.stopped_or(failure),
            Blame::Checker => failure,
        });
        let duration = started.elapsed();
        let failure = match result {
            Ok(()) => None,
            Err(failure) if failure.blame == Blame::Checker => {
                self.done = true;
                self.outcome.checker_error = Some(format!(
                    "step {} ({}): {}",
                    index + 1,
                    step.name,
                    failure.problem
                ));
                return None;
            }
            Err(failure) => Some(failure),
        };
        let (printed, reproduce) = match &failure {
            Some(failure) => (self.printed_since(mark), self.reproduce(failure)),
            None => (Printed::default(), Vec::new()),
        };
        self.done = failure.is_some();
        self.outcome.steps.push(StepOutcome {
            number: index + 1,
            id: step.id,
            name: step.name,
            duration,
            failure,
            printed,
            reproduce,
        });
        self.outcome.steps.last()
    }

    /// Runs the steps left and stops the program.
    pub fn finish(mut self) -> Outcome {
        while self.next_step().is_some() {}
        self.lab.finish();
        self.outcome.duration = self.started.elapsed();
        self.outcome
    }

    fn printed_since(&mut self, mark: OutputMark) -> Printed {
        let (lines, earlier) = self.lab.output_since(mark);
        Printed { lines, earlier }
    }

    /// The commands that reproduce `failure` by hand: the step's own, after the command that
    /// starts the program as a server (unless one of them runs the program, as a client
    /// exercise's do).
    fn reproduce(&self, failure: &Failure) -> Vec<String> {
        if failure.reproduce.is_empty() {
            return Vec::new();
        }
        let exercise = self.outcome.exercise;
        let by_hand = self.outcome.target.by_hand(exercise);
        let mut commands = Vec::new();
        if !failure
            .reproduce
            .iter()
            .any(|command| command.contains(&by_hand))
        {
            commands.push(format!("{by_hand} --port {}", exercise.port));
        }
        commands.extend(failure.reproduce.iter().cloned());
        commands
    }
}

/// Checks `program`, the built binary of `target` (or the compiler's messages when it could
/// not be built), all steps at once.
pub fn check(exercise: &'static Exercise, target: Target, program: Result<&Path, &str>) -> Outcome {
    match program {
        Ok(program) => Checking::start(exercise, target, program).finish(),
        Err(error) => Outcome::not_built(exercise, target, error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use contract::lab::{Failure, Lab, StepResult};

    use super::{Checking, Status, Target};
    use crate::{Exercise, Kind, Step};

    fn helper_does_not_start(_: &mut Lab) -> StepResult {
        Err(Failure::of_checker(
            "could not start udp-server: no such file",
        ))
    }

    fn never_reached(_: &mut Lab) -> StepResult {
        Err(Failure::new("the second step ran"))
    }

    static STEPS: [Step; 2] = [
        Step {
            id: "first",
            name: "needs a helper",
            run: helper_does_not_start,
        },
        Step {
            id: "second",
            name: "never reached",
            run: never_reached,
        },
    ];

    #[test]
    fn a_failure_of_the_checker_stops_the_check_and_fails_no_step() {
        let exercise: &'static Exercise = Box::leak(Box::new(Exercise {
            name: "made-up",
            lesson: 1,
            title: "a made-up exercise".to_string(),
            kind: Kind::Client,
            port: 1,
            points: 10,
            section: String::new(),
            hints: Vec::new(),
            setup: crate::no_setup,
            steps: &STEPS,
            rules: &[],
        }));
        let outcome =
            Checking::start(exercise, Target::Student, Path::new("/no/such/program")).finish();
        assert_eq!(outcome.status(), Status::CheckerFailed);
        assert!(outcome.steps.is_empty(), "{:?}", outcome.steps);
        assert_eq!(outcome.points(), 0.0);
        assert_eq!(
            outcome.checker_error.as_deref(),
            Some("step 1 (needs a helper): could not start udp-server: no such file")
        );
        assert_eq!(outcome.status_text(), "not checked: the checker failed");
    }
}
