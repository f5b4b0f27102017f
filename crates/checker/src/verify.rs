//! `cargo exercise verify` proves every check honest: each solution passes every step and keeps
//! the servers' contract; each starter fails at step 1; each known-bad program fails at the step
//! meant to catch it, and what that step says fits a report's lines (a report cuts longer ones,
//! and advice cut halfway helps nobody). A failure of the checker itself stops it (it is never counted as a
//! mistake caught). It needs the solutions and known-bad programs, which a class copy may not
//! have (`cargo exercise remove-solutions`).

use std::path::Path;
use std::process::{Command, Stdio};

use contract::lab::{Lab, StepResult};

use crate::compile::{self, Messages, Programs};
use crate::known_bad::{self, KnownBad};
use crate::runner::{self, Outcome, Status, Target};
use crate::workspace::Workspace;
use crate::{CheckerError, Exercise, Kind, catalog};

/// Checks every program of every exercise; prints a line per program checked with `say`;
/// returns the problems found.
pub fn verify(
    workspace: &Workspace,
    say: &mut dyn FnMut(&str),
) -> Result<Vec<String>, CheckerError> {
    let missing: Vec<String> = catalog::all()
        .iter()
        .map(|exercise| workspace.solution_file(exercise))
        .filter(|path| !path.exists())
        .map(|path| path.display().to_string())
        .collect();
    if !missing.is_empty() {
        return Err(CheckerError::new(format!(
            "verify needs the reference solutions and known-bad programs, and this copy has \
             none (`cargo exercise remove-solutions` takes them out of a class copy): {} \
             missing",
            missing.join(", ")
        )));
    }
    let mut plan = Vec::new();
    for exercise in catalog::all() {
        let mut expectations = vec![(Target::Solution, None), (Target::Starter, Some(1))];
        let programs = known_bad::list(workspace, exercise).map_err(CheckerError::from)?;
        for KnownBad {
            name, caught_by, ..
        } in programs
        {
            let step = exercise.step_number(&caught_by).ok_or_else(|| {
                CheckerError::new(format!(
                    "{}: known-bad program {name} names a step that does not exist: {caught_by}",
                    exercise.name
                ))
            })?;
            expectations.push((Target::KnownBad(name), Some(step)));
        }
        plan.push((exercise, expectations));
    }
    let binaries: Vec<String> = plan
        .iter()
        .flat_map(|(exercise, expectations)| {
            expectations
                .iter()
                .map(|(target, _)| target.binary(exercise))
        })
        .collect();
    say("building every exercise program (solutions, starters, known-bad programs)...");
    let programs = Programs::new()?;
    let built = compile::build(
        workspace,
        &binaries,
        &compile::target_dir()?,
        &programs,
        Messages::Keep,
    )?;
    let mut problems = stray_folders(workspace)?;
    for (exercise, expectations) in plan {
        for (target, expected_step) in expectations {
            let binary = target.binary(exercise);
            let program = match built.get(&binary) {
                Some(Ok(path)) => Ok(path.as_path()),
                Some(Err(messages)) => Err(messages.as_str()),
                None => Err("it was not built"),
            };
            if let (Target::Solution, Ok(path)) = (&target, program)
                && exercise.kind == Kind::Server
            {
                match keeps_the_contract(exercise, path) {
                    Ok(()) => say(&format!("  ok    {binary:<40} keeps the servers' contract")),
                    Err(problem) => {
                        say(&format!("  WRONG {binary:<40} {problem}"));
                        problems.push(format!("{binary}: {problem}"));
                    }
                }
            }
            let outcome = runner::check(exercise, target, program);
            if let Some(error) = &outcome.checker_error {
                return Err(CheckerError::new(format!(
                    "checking {binary}, the checker itself failed: {error}"
                )));
            }
            match judge(&outcome, expected_step) {
                Ok(()) => say(&format!("  ok    {binary:<40} {}", outcome.status_text())),
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
    match (outcome.status(), expected_step) {
        (Status::DoesNotCompile, _) => Err(format!(
            "does not build: {}",
            outcome.build_error.as_deref().unwrap_or_default()
        )),
        (Status::Passed, None) => Ok(()),
        (_, None) => Err(format!("should pass, but {}", outcome.status_text())),
        (Status::Passed, Some(expected)) => {
            Err(format!("should fail at step {expected}, but passes"))
        }
        (Status::FailedAt(failed), Some(expected)) if failed == expected => {
            let problem = outcome
                .failed_step()
                .and_then(|step| step.failure.as_ref())
                .map_or("", |failure| failure.problem.as_str());
            fits_a_reports_lines(problem)
        }
        (_, Some(expected)) => Err(format!(
            "should fail at step {expected}, but {}: {}",
            outcome.status_text(),
            outcome
                .failed_step()
                .and_then(|step| step.failure.as_ref())
                .map_or("", |failure| failure.problem.as_str())
        )),
    }
}

/// Whether a report shows every line of `problem` whole: it cuts lines longer than
/// [`checks::REPORT_LINE_LIMIT`] characters (a program may print anything), and a step's advice
/// cut halfway helps nobody.
fn fits_a_reports_lines(problem: &str) -> Result<(), String> {
    match problem
        .lines()
        .find(|line| line.chars().count() > checks::REPORT_LINE_LIMIT)
    {
        None => Ok(()),
        Some(line) => Err(format!(
            "fails at the right step, but a line of what the step says has {} characters, and a \
             report cuts it at {}: break the step's text into lines (\\n). The line: {line}",
            line.chars().count(),
            checks::REPORT_LINE_LIMIT
        )),
    }
}

/// Folders in `crates/exercises` that are no exercise's (every folder there but `src` must be
/// one in the catalog).
fn stray_folders(workspace: &Workspace) -> Result<Vec<String>, CheckerError> {
    let dir = workspace.exercises_dir();
    let entries = std::fs::read_dir(&dir)
        .map_err(|error| CheckerError::new(format!("could not list {}: {error}", dir.display())))?;
    let mut strays = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
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

/// A case of `contract` that takes the server's normal exchange.
type ContractCase = fn(&mut Lab, contract::steps::Served) -> StepResult;

/// The promises of `contract` that an exercise's steps do not check already, on its solution
/// (`program`): it keeps serving with its stdout closed, serves a client after a flood of 1000
/// connections, explains its options and refuses an unknown one. (Its steps check the rest:
/// clients that close, reset or go silent, and the restart on the same port.)
fn keeps_the_contract(exercise: &'static Exercise, program: &Path) -> Result<(), String> {
    let Some(first) = exercise.steps.first() else {
        return Err("its check has no steps".to_string());
    };
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
        let mut lab = Lab::new(program, Target::Solution.by_hand(exercise), exercise.port);
        let result = (exercise.setup)(&mut lab).and_then(|()| case(&mut lab, first.run));
        lab.finish();
        result.map_err(|failure| format!("{what}: {}", failure.problem))?;
    }
    let run = |args: &[&str]| {
        Command::new(program)
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

#[cfg(test)]
mod tests {
    use super::fits_a_reports_lines;

    #[test]
    fn a_steps_text_with_a_line_a_report_would_cut_is_refused() {
        let limit = checks::REPORT_LINE_LIMIT;
        let long = "x".repeat(limit + 1);
        let error = fits_a_reports_lines(&format!("the problem.\n{long}"))
            .expect_err("a line over the limit");
        assert!(
            error.contains(&format!("has {} characters", limit + 1)),
            "{error}"
        );
        let fits = format!("{}\n{}", "x".repeat(limit), "y".repeat(limit));
        assert_eq!(fits_a_reports_lines(&fits), Ok(()));
    }
}
