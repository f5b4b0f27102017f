//! The `cargo exercise ...` commands: what each prints and how it exits.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::progress::{self, Progress};
use crate::runner::{self, Outcome, Target};
use crate::workspace::Workspace;
use crate::{Exercise, catalog, report};

/// What `cargo exercise` can do.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Every exercise with its lesson and status, and which one is next (the default)
    List,
    /// Build your program and check it, step by step, over real sockets
    Check {
        /// The exercise, e.g. greet-server
        #[arg(required_unless_present = "all")]
        name: Option<String>,
        /// Check every exercise (for grading and CI); the exit status is 0 only if all pass
        #[arg(long, conflicts_with = "name")]
        all: bool,
        /// Check the reference solution instead of your file
        #[arg(long)]
        solution: bool,
        /// How to print the results (json and junit are for CI and grading tools)
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show the next hint for an exercise: one more each time you ask
    Hint {
        /// The exercise, e.g. greet-server
        name: String,
    },
    /// Show the reference solution (best read after your program passes)
    Solution {
        /// The exercise, e.g. greet-server
        name: String,
    },
    /// Put the starter back in place of your file (your version is lost: needs --yes)
    Reset {
        /// The exercise, e.g. greet-server
        name: String,
        /// Yes, overwrite my file
        #[arg(long)]
        yes: bool,
    },
    /// Check an exercise each time you save it, and move on to the next when it passes (q quits)
    Watch {
        /// The exercise to start with (default: the first one not passed yet)
        name: Option<String>,
    },
    /// For CI: every solution passes, every starter fails at step 1, and every known-bad
    /// program fails at the step meant to catch it
    Verify,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: a mark per step, then the first failure in detail
    Text,
    /// One JSON document
    Json,
    /// JUnit XML (GitHub Classroom, GitLab, Jenkins, ...)
    Junit,
}

/// Runs one `cargo exercise` command.
pub fn run(action: Option<Action>) -> Result<ExitCode> {
    let workspace = &Workspace::find()?;
    match action.unwrap_or(Action::List) {
        Action::List => list(workspace),
        Action::Check {
            name,
            all,
            solution,
            format,
        } => {
            let target = match solution {
                true => Target::Solution,
                false => Target::Student,
            };
            match (name, all) {
                (Some(name), false) => check_one(workspace, find(&name)?, target, format),
                _ => check_all(workspace, target, format),
            }
        }
        Action::Hint { name } => hint(workspace, find(&name)?),
        Action::Solution { name } => solution(workspace, find(&name)?),
        Action::Reset { name, yes } => reset(workspace, find(&name)?, yes),
        Action::Verify => verify(workspace),
        Action::Watch { name } => {
            crate::watch::run(workspace, name.as_deref().map(find).transpose()?)
        }
    }
}

fn find(name: &str) -> Result<&'static Exercise> {
    crate::find(name).with_context(|| {
        let names: Vec<&str> = catalog::all()
            .iter()
            .map(|exercise| exercise.name)
            .collect();
        format!(
            "there is no exercise `{name}`; the exercises are: {}",
            names.join(", ")
        )
    })
}

fn list(workspace: &Workspace) -> Result<ExitCode> {
    let progress = Progress::load(workspace);
    let width = catalog::all()
        .iter()
        .map(|exercise| exercise.name.len())
        .max()
        .unwrap_or(0);
    println!("Exercises (yours is crates/exercises/NAME/NAME.rs):\n");
    let mut next = None;
    for exercise in catalog::all() {
        let status = progress::status(workspace, exercise, &progress);
        if next.is_none() && !progress.entry(exercise).passed {
            next = Some(exercise);
        }
        println!(
            "  lesson {}  {:<width$}  {status}",
            exercise.lesson, exercise.name
        );
    }
    match next {
        Some(exercise) => println!(
            "\nNext: {} ({}). Write crates/exercises/{}/{}.rs, then run\n  cargo exercise check {}\nThe task is at the top of the file and in {}.",
            exercise.name,
            exercise.title,
            exercise.name,
            exercise.name,
            exercise.name,
            exercise.section
        ),
        None => println!("\nEvery exercise passes. Well done!"),
    }
    Ok(ExitCode::SUCCESS)
}

fn check_one(
    workspace: &Workspace,
    exercise: &'static Exercise,
    target: Target,
    format: Format,
) -> Result<ExitCode> {
    if format != Format::Text {
        let outcome = runner::check(workspace, exercise, target, false, &mut |_| {});
        return finish_all(vec![outcome], format);
    }
    let binary = target.binary(exercise);
    println!("{}\n", report::heading(exercise, &binary));
    let student = target == Target::Student;
    let outcome = runner::check(workspace, exercise, target, true, &mut |step| {
        println!("{}", report::step_line(step));
        let _ = std::io::stdout().flush();
    });
    print!("{}", report::failure_text(&outcome));
    if student {
        record(workspace, &outcome);
    }
    Ok(exit_code(outcome.passed()))
}

fn check_all(workspace: &Workspace, target: Target, format: Format) -> Result<ExitCode> {
    let mut outcomes = Vec::new();
    for exercise in catalog::all() {
        let outcome = runner::check(workspace, exercise, target.clone(), false, &mut |_| {});
        if format == Format::Text {
            println!("{:<40} {}", target.binary(exercise), outcome.status());
        }
        if target == Target::Student {
            record(workspace, &outcome);
        }
        outcomes.push(outcome);
    }
    finish_all(outcomes, format)
}

fn finish_all(outcomes: Vec<Outcome>, format: Format) -> Result<ExitCode> {
    let passed = outcomes.iter().filter(|outcome| outcome.passed()).count();
    match format {
        Format::Text => println!("\n{passed} of {} exercises pass.", outcomes.len()),
        Format::Json => println!("{}", report::json(&outcomes)),
        Format::Junit => print!("{}", report::junit(&outcomes)),
    }
    Ok(exit_code(passed == outcomes.len()))
}

/// Remembers the result of a check of the student's program, for `list`.
fn record(workspace: &Workspace, outcome: &Outcome) {
    let mut saved = Progress::load(workspace);
    let entry = saved.entry_mut(outcome.exercise);
    entry.last_check = Some(outcome.status());
    entry.passed = outcome.passed();
    entry.checked_file = progress::fingerprint(workspace, outcome.exercise);
    // The record is a convenience: a check still counts if it cannot be written.
    let _ = saved.save(workspace);
}

fn hint(workspace: &Workspace, exercise: &Exercise) -> Result<ExitCode> {
    let mut progress = Progress::load(workspace);
    let total = exercise.hints.len();
    let entry = progress.entry_mut(exercise);
    let shown = (entry.hints_shown + 1).min(total);
    entry.hints_shown = shown;
    progress.save(workspace)?;
    for (index, hint) in exercise.hints.iter().take(shown).enumerate() {
        println!("Hint {} of {total} for {}:", index + 1, exercise.name);
        println!("{}\n", report::wrap(hint, "  "));
    }
    match shown < total {
        true => println!(
            "Ask again for the next hint: cargo exercise hint {}",
            exercise.name
        ),
        false => println!(
            "That was the last hint. The lesson section is {}; the solution, best read after \
             you pass, is `cargo exercise solution {}`.",
            exercise.section, exercise.name
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn solution(workspace: &Workspace, exercise: &Exercise) -> Result<ExitCode> {
    let path = workspace.solution_file(exercise);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read {}", path.display()))?;
    if !Progress::load(workspace).entry(exercise).passed {
        println!(
            "(You have not passed {} yet: the solution teaches most once you have tried. \
             `cargo exercise hint {}` gives a smaller push.)\n",
            exercise.name, exercise.name
        );
    }
    println!("// {}\n", path.display());
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn reset(workspace: &Workspace, exercise: &Exercise, yes: bool) -> Result<ExitCode> {
    let file = workspace.student_file(exercise);
    if !yes {
        bail!(
            "this overwrites {} with the starter, and your version is lost; run it again with \
             --yes to go ahead (or keep a copy first)",
            file.display()
        );
    }
    progress::reset(workspace, exercise)?;
    let mut record = Progress::load(workspace);
    *record.entry_mut(exercise) = progress::Entry::default();
    let _ = record.save(workspace);
    println!("{} is the starter again.", file.display());
    Ok(ExitCode::SUCCESS)
}

fn verify(workspace: &Workspace) -> Result<ExitCode> {
    let problems = runner::verify(workspace, &mut |line| println!("{line}"))?;
    if problems.is_empty() {
        println!(
            "\nevery check is honest: solutions pass, starters and known-bad programs fail where they should"
        );
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("\n{} problem(s):", problems.len());
    for problem in &problems {
        eprintln!("  {problem}");
    }
    Ok(ExitCode::FAILURE)
}

fn exit_code(passed: bool) -> ExitCode {
    match passed {
        true => ExitCode::SUCCESS,
        false => ExitCode::FAILURE,
    }
}
