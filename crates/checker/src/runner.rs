//! Building an exercise's program and running its check, step by step; and `verify`, which
//! proves every check honest: solutions pass, starters fail at step 1, known-bad programs fail
//! at the step meant for them.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use contract::lab::{Failure, Lab};
use testkit::bins;

use crate::known_bad::{self, KnownBad};
use crate::workspace::Workspace;
use crate::{Exercise, catalog};

/// The package that holds the exercises.
pub const PACKAGE: &str = "exercises";

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

/// The result of one step.
#[derive(Debug)]
pub struct StepOutcome {
    /// Its number, from 1.
    pub number: usize,
    /// Its name.
    pub name: &'static str,
    /// How long it took.
    pub duration: Duration,
    /// Why it failed, if it did.
    pub failure: Option<Failure>,
    /// What the program printed up to the failure (only kept for a failed step).
    pub output: Vec<String>,
}

/// The result of checking one program.
#[derive(Debug)]
pub struct Outcome {
    /// The exercise.
    pub exercise: &'static Exercise,
    /// Which program was checked.
    pub target: Target,
    /// Why it could not be built, if it could not (then no step ran).
    pub build_error: Option<String>,
    /// The steps that ran: all passed but maybe the last.
    pub steps: Vec<StepOutcome>,
}

impl Outcome {
    /// Whether the program was built and passed every step.
    pub fn passed(&self) -> bool {
        self.build_error.is_none()
            && self.steps.len() == self.exercise.steps.len()
            && self.steps.iter().all(|step| step.failure.is_none())
    }

    /// The step that failed, if one did.
    pub fn failed_step(&self) -> Option<&StepOutcome> {
        self.steps.iter().find(|step| step.failure.is_some())
    }

    /// One word or phrase for lists: `passed`, `fails at step 3`, `does not compile`.
    pub fn status(&self) -> String {
        if self.build_error.is_some() {
            return "does not compile".to_string();
        }
        match self.failed_step() {
            Some(step) => format!("fails at step {} ({})", step.number, step.name),
            None if self.passed() => "passed".to_string(),
            None => "incomplete".to_string(),
        }
    }
}

/// Builds the binary of `target`; with `show_cargo`, cargo's messages (compile errors
/// included) go straight to the terminal, as `cargo build` shows them.
pub fn build(
    workspace: &Workspace,
    exercise: &Exercise,
    target: &Target,
    show_cargo: bool,
) -> Result<PathBuf, String> {
    let binary = target.binary(exercise);
    cargo_build(workspace, &["--bin", &binary], show_cargo)?;
    bins::path(&binary).map_err(|error| format!("{error:#}"))
}

/// Builds every binary of the exercises package, quietly: for `verify` and `check --all`.
pub fn build_all(workspace: &Workspace) -> Result<(), String> {
    cargo_build(workspace, &["--bins"], false)
}

fn cargo_build(workspace: &Workspace, what: &[&str], show_cargo: bool) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--package", PACKAGE])
        .args(what)
        .arg("--manifest-path")
        .arg(workspace.manifest());
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    command.stdout(Stdio::null());
    if show_cargo {
        command.stderr(Stdio::inherit());
        let status = command.status().map_err(|error| error.to_string())?;
        return match status.success() {
            true => Ok(()),
            false => Err("it does not compile: see cargo's messages above".to_string()),
        };
    }
    let output = command.output().map_err(|error| error.to_string())?;
    match output.status.success() {
        true => Ok(()),
        false => Err(format!(
            "it does not compile:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )),
    }
}

/// Checks `target` of `exercise` in `workspace`: builds it, runs the steps in order and stops
/// at the first failure. `on_step` hears of each step as it ends, for live output.
pub fn check(
    workspace: &Workspace,
    exercise: &'static Exercise,
    target: Target,
    show_cargo: bool,
    on_step: &mut dyn FnMut(&StepOutcome),
) -> Outcome {
    let mut outcome = Outcome {
        exercise,
        target,
        build_error: None,
        steps: Vec::new(),
    };
    let program = match build(workspace, exercise, &outcome.target, show_cargo) {
        Ok(program) => program,
        Err(error) => {
            outcome.build_error = Some(error);
            return outcome;
        }
    };
    let mut lab = Lab::new(&program, outcome.target.by_hand(exercise), exercise.port);
    let setup = (exercise.setup)(&mut lab);
    for (index, step) in exercise.steps.iter().enumerate() {
        let started = Instant::now();
        let result = setup.clone().and_then(|()| (step.run)(&mut lab));
        // A step may pass its own checks while the server died behind it; and when a step
        // fails, a server that died is the first thing to say.
        let result = result.and_then(|()| lab.expect_running());
        let result = result.map_err(|failure| lab.stopped_or(failure));
        let failed = result.is_err();
        let step_outcome = StepOutcome {
            number: index + 1,
            name: step.name,
            duration: started.elapsed(),
            output: if failed {
                lab.server_output()
            } else {
                Vec::new()
            },
            failure: result.err(),
        };
        on_step(&step_outcome);
        outcome.steps.push(step_outcome);
        if failed {
            break;
        }
    }
    lab.finish();
    outcome
}

/// Proves every check honest: each solution passes every step; each starter fails at step 1
/// with a message that points to the first hint; each known-bad program fails at the step
/// meant to catch it. Prints a line per program checked; returns the problems found.
pub fn verify(workspace: &Workspace, say: &mut dyn FnMut(&str)) -> Result<Vec<String>> {
    say("building every exercise program (solutions, starters, known-bad programs)...");
    if let Err(error) = build_all(workspace) {
        bail!("the exercises package does not build: {error}");
    }
    let mut problems = stray_folders(workspace)?;
    for exercise in catalog::all() {
        let mut expectations = vec![(Target::Solution, None), (Target::Starter, Some(1))];
        for KnownBad {
            name, caught_by, ..
        } in known_bad::list(workspace, exercise)?
        {
            let step = exercise.step_number(&caught_by).with_context(|| {
                format!(
                    "{}: known-bad program {name} names a step that does not exist: {caught_by}",
                    exercise.name
                )
            })?;
            expectations.push((Target::KnownBad(name), Some(step)));
        }
        if exercise.kind == crate::Kind::Server {
            let binary = Target::Solution.binary(exercise);
            match keeps_the_contract(exercise) {
                Ok(()) => say(&format!("  ok    {binary:<40} keeps the servers' contract")),
                Err(problem) => {
                    say(&format!("  WRONG {binary:<40} {problem}"));
                    problems.push(format!("{binary}: {problem}"));
                }
            }
        }
        for (target, expected_step) in expectations {
            let binary = target.binary(exercise);
            let outcome = check(workspace, exercise, target, false, &mut |_| {});
            match judge(&outcome, expected_step) {
                Ok(()) => say(&format!("  ok    {binary:<40} {}", outcome.status())),
                Err(problem) => {
                    say(&format!("  WRONG {binary:<40} {problem}"));
                    problems.push(format!("{binary}: {problem}"));
                }
            }
        }
    }
    Ok(problems)
}

/// Whether `outcome` is what was expected: all steps pass (`None`), or step `n` fails first.
fn judge(outcome: &Outcome, expected_step: Option<usize>) -> Result<(), String> {
    if let Some(error) = &outcome.build_error {
        return Err(format!("does not build: {error}"));
    }
    let Some(expected) = expected_step else {
        return match outcome.passed() {
            true => Ok(()),
            false => Err(format!("should pass, but {}", outcome.status())),
        };
    };
    let Some(failed) = outcome.failed_step() else {
        return Err(format!("should fail at step {expected}, but passes"));
    };
    if failed.number != expected {
        return Err(format!(
            "should fail at step {expected}, but {}: {}",
            outcome.status(),
            failed.failure.as_ref().map_or("", |f| f.problem.as_str())
        ));
    }
    if outcome.target == Target::Starter {
        let text = crate::report::failure_text(outcome);
        let hint = format!("cargo exercise hint {}", outcome.exercise.name);
        if !text.contains(&hint) {
            return Err(format!("its failure does not point to `{hint}`"));
        }
    }
    Ok(())
}

/// Folders in `crates/exercises` that are no exercise's (every folder there but `src` must be
/// one in the catalog).
fn stray_folders(workspace: &Workspace) -> Result<Vec<String>> {
    let dir = workspace.exercises_dir();
    let mut strays = Vec::new();
    for entry in
        std::fs::read_dir(&dir).with_context(|| format!("could not list {}", dir.display()))?
    {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        if path.is_dir()
            && name.as_deref() != Some("src")
            && name.as_deref().and_then(crate::find).is_none()
        {
            strays.push(format!(
                "{} belongs to no exercise in the catalog",
                path.display()
            ));
        }
    }
    Ok(strays)
}

/// A case of `course::contract` that takes the server's normal exchange.
type ContractCase = fn(&mut Lab, contract::steps::Served) -> contract::lab::StepResult;

/// The promises of `course::contract` that an exercise's steps do not check already, on its
/// solution: it keeps serving with its stdout closed, serves a client after a flood of 1000
/// connections, explains its options and refuses an unknown one. (Its steps check the rest:
/// clients that close, reset or go silent, and the restart on the same port.)
fn keeps_the_contract(exercise: &'static Exercise) -> Result<(), String> {
    let Some(first) = exercise.steps.first() else {
        return Err("its check has no steps".to_string());
    };
    let program =
        bins::path(&Target::Solution.binary(exercise)).map_err(|error| format!("{error:#}"))?;
    let cases: [(&str, ContractCase); 2] = [
        (
            "with its stdout closed",
            contract::keeps_serving_with_stdout_closed,
        ),
        (
            "after a flood of connections",
            contract::serves_after_a_flood,
        ),
    ];
    for (what, case) in cases {
        let mut lab = Lab::new(&program, Target::Solution.by_hand(exercise), exercise.port);
        let result = (exercise.setup)(&mut lab).and_then(|()| case(&mut lab, first.run));
        lab.finish();
        result.map_err(|failure| format!("{what}: {}", failure.problem))?;
    }
    let run = |args: &[&str]| {
        Command::new(&program)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|error| format!("could not run it: {error}"))
    };
    let help = run(&["--help"])?;
    if !help.status.success() || !String::from_utf8_lossy(&help.stdout).contains("--port") {
        return Err("`--help` should exit with 0 and explain --port".to_string());
    }
    let bad = run(&["--no-such-option"])?;
    if bad.status.code() != Some(2) || !String::from_utf8_lossy(&bad.stderr).starts_with("error: ")
    {
        return Err("an unknown option should be refused with `error: ...` and exit code 2".into());
    }
    Ok(())
}
