//! The `cargo exercise ...` commands: what each prints and how it exits.
//!
//! Each command parses its arguments, builds with [`compile`], runs checks with [`runner`],
//! renders the outcomes with [`report`] and records them with [`progress`]: data flows from
//! here down and comes back as values; nothing below calls back up.
//!
//! Exit status: 0 when everything checked passes, 1 when a program fails its check, 2 for a
//! command line that makes no sense, 3 when the checker itself failed ([`CheckerError`]):
//! cargo missing, a helper program that does not start, no temporary folder.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::compile::{self, Messages, Programs};
use crate::progress::{self, Progress};
use crate::report::{self, class, json, junit};
use crate::runner::{self, Checking, FileFacts, Outcome, Status, Target};
use crate::workspace::Workspace;
use crate::{CheckerError, Exercise, catalog, grade, solutions};

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
        /// Also write the results as JUnit XML into FILE
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Also write the results as JSON into FILE
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
    /// Show the next hint for an exercise: one more each time you ask
    Hint {
        /// The exercise, e.g. greet-server
        name: String,
    },
    /// Show the reference solution, once your program passes the check
    Solution {
        /// The exercise, e.g. greet-server
        name: String,
        /// Show it before you pass. Better not: reading an answer feels like understanding it,
        /// and the exercise is where the understanding happens
        #[arg(long)]
        anyway: bool,
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
    /// For instructors: grade many copies of the course (students' clones) with one shared
    /// target dir; writes grades.csv and grades.json, and prints the table
    Grade {
        /// Copies of the course, or folders that hold copies
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where to write grades.csv and grades.json
        #[arg(long, default_value = ".")]
        out: PathBuf,
        /// How many copies are checked at once (default: one per core)
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// For instructors: delete every solution.rs and known-bad/ from this copy (before handing
    /// it to a class); every command a student uses keeps working
    RemoveSolutions {
        /// Yes, delete them
        #[arg(long)]
        yes: bool,
    },
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: a mark per step, then the first failure in detail
    Text,
    /// One JSON document
    Json,
    /// JUnit XML (GitLab, Jenkins, ...)
    Junit,
}

/// A command line that makes no sense: `cargo exercise` exits with 2.
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// The exit status for an error a command returned: 2 for [`Usage`], 3 for anything else (the
/// checker could not do its job).
pub fn exit_code_of(error: &anyhow::Error) -> ExitCode {
    match error.downcast_ref::<Usage>() {
        Some(_) => ExitCode::from(2),
        None => ExitCode::from(CheckerError::EXIT_CODE),
    }
}

/// Runs one `cargo exercise` command.
pub fn run(action: Option<Action>) -> Result<ExitCode> {
    let workspace = &Workspace::find().map_err(CheckerError::from)?;
    match action.unwrap_or(Action::List) {
        Action::List => list(workspace),
        Action::Check {
            name,
            all,
            solution,
            format,
            junit,
            json,
        } => {
            let target = match solution {
                true => Target::Solution,
                false => Target::Student,
            };
            if solution && !solutions::present(workspace) {
                return Err(no_solutions().into());
            }
            let outcomes = match (name, all) {
                (Some(name), false) => check_one(workspace, find(&name)?, target, format)?,
                _ => check_all(workspace, target, format)?,
            };
            write_reports(&outcomes, junit.as_deref(), json.as_deref())?;
            Ok(exit_code(&outcomes))
        }
        Action::Hint { name } => hint(workspace, find(&name)?),
        Action::Solution { name, anyway } => solution(workspace, find(&name)?, anyway),
        Action::Reset { name, yes } => reset(workspace, find(&name)?, yes),
        Action::Verify => verify(workspace),
        Action::Grade { dirs, out, jobs } => grade(&dirs, &out, jobs),
        Action::RemoveSolutions { yes } => remove_solutions(workspace, yes),
        Action::Watch { name } => {
            crate::watch::run(workspace, name.as_deref().map(find).transpose()?)
        }
    }
}

fn find(name: &str) -> Result<&'static Exercise> {
    crate::find(name).ok_or_else(|| {
        let names: Vec<&str> = catalog::all()
            .iter()
            .map(|exercise| exercise.name)
            .collect();
        Usage(format!(
            "there is no exercise `{name}`; the exercises are: {}",
            names.join(", ")
        ))
        .into()
    })
}

fn no_solutions() -> Usage {
    Usage(
        "this copy of the course has no reference solutions (your instructor took them out)"
            .to_string(),
    )
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
            "  lesson {:<2}  {:<width$}  {:>2} points  {status}",
            exercise.lesson, exercise.name, exercise.points
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

/// Builds `binaries` of `workspace` into this checker's target dir, copied out into `programs`.
fn build(
    workspace: &Workspace,
    binaries: &[String],
    programs: &Programs,
    messages: Messages,
) -> Result<compile::Built, CheckerError> {
    compile::build(
        workspace,
        binaries,
        &compile::target_dir()?,
        programs,
        messages,
    )
}

/// The built program of `binary`, or the compiler's messages.
fn program<'a>(built: &'a compile::Built, binary: &str) -> Result<&'a std::path::Path, &'a str> {
    match built.get(binary) {
        Some(Ok(path)) => Ok(path.as_path()),
        Some(Err(messages)) => Err(messages.as_str()),
        None => Err(""),
    }
}

fn check_one(
    workspace: &Workspace,
    exercise: &'static Exercise,
    target: Target,
    format: Format,
) -> Result<Vec<Outcome>> {
    let binary = target.binary(exercise);
    let programs = Programs::new()?;
    if format != Format::Text {
        let built = build(
            workspace,
            std::slice::from_ref(&binary),
            &programs,
            Messages::Keep,
        )?;
        let mut outcome = runner::check(exercise, target, program(&built, &binary));
        outcome.file = facts(workspace, &outcome);
        progress::record(workspace, &outcome);
        return finish_all(vec![outcome], format);
    }
    println!("{}\n", report::heading(exercise, &target));
    let _ = std::io::stdout().flush();
    let built = build(
        workspace,
        std::slice::from_ref(&binary),
        &programs,
        Messages::Show,
    )?;
    let outcome = match program(&built, &binary) {
        Err(messages) => Outcome::not_built(exercise, target, messages.to_string()),
        Ok(path) => {
            let mut checking = Checking::start(exercise, target, path);
            while let Some(step) = checking.next_step() {
                println!("{}", report::step_line(step));
                let _ = std::io::stdout().flush();
            }
            checking.finish()
        }
    };
    print!("{}", report::failure_text(&outcome));
    progress::record(workspace, &outcome);
    Ok(vec![outcome])
}

fn check_all(workspace: &Workspace, target: Target, format: Format) -> Result<Vec<Outcome>> {
    let binaries: Vec<String> = catalog::all()
        .iter()
        .map(|exercise| target.binary(exercise))
        .collect();
    let programs = Programs::new()?;
    let built = build(workspace, &binaries, &programs, Messages::Keep)?;
    let mut outcomes = Vec::new();
    for exercise in catalog::all() {
        let binary = target.binary(exercise);
        let mut outcome = runner::check(exercise, target.clone(), program(&built, &binary));
        outcome.file = facts(workspace, &outcome);
        if format == Format::Text {
            println!(
                "{binary:<40} {:<18} {}",
                report::points_line(&outcome),
                outcome.status_text()
            );
        }
        progress::record(workspace, &outcome);
        outcomes.push(outcome);
    }
    finish_all(outcomes, format)
}

/// The student's file's facts, for a check of the student's program.
fn facts(workspace: &Workspace, outcome: &Outcome) -> Option<FileFacts> {
    (outcome.target == Target::Student)
        .then(|| FileFacts::of(workspace, outcome.exercise))
        .flatten()
}

fn finish_all(outcomes: Vec<Outcome>, format: Format) -> Result<Vec<Outcome>> {
    match format {
        Format::Text => {
            let passed = outcomes.iter().filter(|outcome| outcome.passed()).count();
            let points: f64 = outcomes.iter().map(Outcome::points).sum();
            let max: u32 = outcomes.iter().map(|outcome| outcome.exercise.points).sum();
            println!(
                "\n{passed} of {} exercises pass: {} of {max} points.",
                outcomes.len(),
                report::points(points)
            );
            for outcome in &outcomes {
                if let Some(error) = &outcome.checker_error {
                    eprintln!(
                        "error: checking {}, the checker itself failed (not your program): {error}",
                        outcome.exercise.name
                    );
                }
            }
        }
        Format::Json => println!("{}", json::to_text(&json::document(&outcomes))),
        Format::Junit => print!("{}", junit::document(&outcomes)),
    }
    Ok(outcomes)
}

/// Writes the reports asked for with `--junit FILE` and `--json FILE`.
fn write_reports(
    outcomes: &[Outcome],
    junit: Option<&std::path::Path>,
    json: Option<&std::path::Path>,
) -> Result<()> {
    if let Some(path) = junit {
        std::fs::write(path, junit::document(outcomes))
            .with_context(|| format!("could not write {}", path.display()))?;
    }
    if let Some(path) = json {
        std::fs::write(path, json::to_text(&json::document(outcomes)))
            .with_context(|| format!("could not write {}", path.display()))?;
    }
    Ok(())
}

/// 0 when every outcome passed, 3 when the checker failed on any, 1 otherwise.
fn exit_code(outcomes: &[Outcome]) -> ExitCode {
    if outcomes
        .iter()
        .any(|outcome| outcome.status() == Status::CheckerFailed)
    {
        return ExitCode::from(CheckerError::EXIT_CODE);
    }
    match outcomes.iter().all(Outcome::passed) {
        true => ExitCode::SUCCESS,
        false => ExitCode::FAILURE,
    }
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
    match (shown < total, solutions::present(workspace)) {
        (true, _) => println!(
            "Ask again for the next hint: cargo exercise hint {}",
            exercise.name
        ),
        (false, true) => println!(
            "That was the last hint. The lesson section is {}; once your program passes, \
             `cargo exercise solution {}` shows the reference solution.",
            exercise.section, exercise.name
        ),
        (false, false) => println!(
            "That was the last hint. The lesson section is {}.",
            exercise.section
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn solution(workspace: &Workspace, exercise: &Exercise, anyway: bool) -> Result<ExitCode> {
    let path = workspace.solution_file(exercise);
    if !path.exists() {
        return Err(no_solutions().into());
    }
    if !anyway && !Progress::load(workspace).entry(exercise).passed {
        return Err(Usage(format!(
            "the solution of {0} is shown once your program passes `cargo exercise check {0}`. \
             Until then, `cargo exercise hint {0}` gives a smaller push. (`--anyway` shows it \
             now; better not: reading an answer feels like understanding it, and the exercise \
             is where the understanding happens.)",
            exercise.name
        ))
        .into());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read {}", path.display()))?;
    println!("// {}\n", path.display());
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn reset(workspace: &Workspace, exercise: &Exercise, yes: bool) -> Result<ExitCode> {
    let file = workspace.student_file(exercise);
    if !yes {
        return Err(Usage(format!(
            "this overwrites {} with the starter, and your version is lost; run it again with \
             --yes to go ahead (or keep a copy first)",
            file.display()
        ))
        .into());
    }
    progress::reset(workspace, exercise)?;
    let mut record = Progress::load(workspace);
    *record.entry_mut(exercise) = progress::Entry::default();
    let _ = record.save(workspace);
    println!("{} is the starter again.", file.display());
    Ok(ExitCode::SUCCESS)
}

fn verify(workspace: &Workspace) -> Result<ExitCode> {
    let problems = crate::verify::verify(workspace, &mut |line| println!("{line}"))?;
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

fn grade(dirs: &[PathBuf], out: &std::path::Path, jobs: Option<usize>) -> Result<ExitCode> {
    let copies = grade::copies_in(dirs)?;
    let jobs = jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let options = grade::Options {
        jobs,
        target_dir: compile::target_dir()?,
    };
    eprintln!(
        "grading {} copies, {jobs} at a time, into the target dir {}",
        copies.len(),
        options.target_dir.display()
    );
    // The course's own helper programs (lesson 7's UDP server, wiretap) are built once, now,
    // from this copy: not from a student's, and not while a copy is being built.
    testkit::bins::build(&["lesson-udp", "wiretap"]).map_err(CheckerError::from)?;
    let results = grade::grade(copies, &options);
    std::fs::create_dir_all(out).with_context(|| format!("could not create {}", out.display()))?;
    let csv = out.join("grades.csv");
    std::fs::write(&csv, class::csv(&results))
        .with_context(|| format!("could not write {}", csv.display()))?;
    let json = out.join("grades.json");
    std::fs::write(&json, json::to_text(&class::json(&results)))
        .with_context(|| format!("could not write {}", json.display()))?;
    println!("{}", class::table(&results));
    println!("Written: {} and {}", csv.display(), json.display());
    match results.iter().any(grade::CopyResult::checker_failed) {
        true => {
            eprintln!(
                "error: the checker itself failed on some checks (marked ERR): they say nothing \
                 of those copies; grade them again"
            );
            Ok(ExitCode::from(CheckerError::EXIT_CODE))
        }
        false => Ok(ExitCode::SUCCESS),
    }
}

fn remove_solutions(workspace: &Workspace, yes: bool) -> Result<ExitCode> {
    if !yes {
        return Err(Usage(format!(
            "this deletes every solution.rs and known-bad/ folder in {} (for a copy you hand \
             to a class; `cargo exercise verify` needs them, so keep them in your own copy); \
             run it again with --yes to go ahead",
            workspace.exercises_dir().display()
        ))
        .into());
    }
    let removed = solutions::remove(workspace)?;
    for path in &removed.paths {
        println!("deleted {}", path.display());
    }
    println!(
        "took {} [[bin]] entries out of {}",
        removed.binaries.len(),
        workspace.exercises_dir().join("Cargo.toml").display()
    );
    Ok(ExitCode::SUCCESS)
}
