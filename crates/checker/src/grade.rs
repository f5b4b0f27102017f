//! Grading a class: many copies of the course (each a student's clone), with one build of the
//! checker (this process) and one shared target dir.
//!
//! Each copy's exercises are built from its own files ([`crate::compile`] makes sure of it),
//! one copy after another (cargo locks the target dir, so builds cannot overlap anyway), and
//! its programs copied out of the target dir at once. Meanwhile the checks of the copies built
//! already run, several copies at a time ([`Options::jobs`]): a check mostly waits on sockets
//! and timeouts, so a second copy's checks cost little. A copy's compile error stays in that
//! copy's result: every copy has its own build, and every binary its own messages.
//!
//! Grading never writes into the copies: no progress file, no build output (that goes to the
//! shared target dir), nothing.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::compile::{self, Built, Messages, Programs};
use crate::runner::{self, FileFacts, Outcome, Status, Target};
use crate::workspace::Workspace;
use crate::{CheckerError, catalog};

/// How to grade.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many copies are checked at once.
    pub jobs: usize,
    /// The target dir every copy is built into.
    pub target_dir: PathBuf,
}

/// The results of one copy.
#[derive(Debug)]
pub struct CopyResult {
    /// The copy's folder name (a student's clone: often their user name).
    pub name: String,
    /// The copy's folder.
    pub root: PathBuf,
    /// Each exercise's outcome, in lesson order (none if the copy could not be built at all).
    pub outcomes: Vec<Outcome>,
    /// Why the copy could not be graded at all, if so (the checker's failure, never the
    /// student's).
    pub problem: Option<String>,
    /// How long building and checking it took (not the time it waited for its turn).
    pub duration: Duration,
}

impl CopyResult {
    /// The points earned in all.
    pub fn points(&self) -> f64 {
        self.outcomes.iter().map(Outcome::points).sum()
    }

    /// The outcome of exercise `name`.
    pub fn outcome(&self, name: &str) -> Option<&Outcome> {
        self.outcomes
            .iter()
            .find(|outcome| outcome.exercise.name == name)
    }

    /// What went wrong on the checker's side for this copy, if anything: the copy could not
    /// be graded, or some checks failed on the checker's side.
    pub fn error(&self) -> Option<String> {
        if let Some(problem) = &self.problem {
            return Some(problem.clone());
        }
        let failed: Vec<String> = self
            .outcomes
            .iter()
            .filter_map(|outcome| {
                let error = outcome.checker_error.as_ref()?;
                Some(format!("{}: {error}", outcome.exercise.name))
            })
            .collect();
        (!failed.is_empty()).then(|| {
            format!(
                "the checker failed (not the student): {}",
                failed.join("; ")
            )
        })
    }

    /// Whether the checker failed anywhere in this copy.
    pub fn checker_failed(&self) -> bool {
        self.problem.is_some()
            || self
                .outcomes
                .iter()
                .any(|outcome| outcome.status() == Status::CheckerFailed)
    }
}

/// The copies of the course in `paths`: each path is a copy (a folder with the workspace
/// `Cargo.toml` and `crates/exercises`), or a folder whose subfolders are copies. Sorted by
/// path; an error names a path that holds no copy.
pub fn copies_in(paths: &[PathBuf]) -> Result<Vec<Workspace>, CheckerError> {
    let mut copies = Vec::new();
    for path in paths {
        if is_copy(path) {
            copies.push(Workspace::at(absolute(path)?));
            continue;
        }
        let entries = std::fs::read_dir(path).map_err(|error| {
            CheckerError::new(format!("could not list {}: {error}", path.display()))
        })?;
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| is_copy(path))
            .collect();
        if found.is_empty() {
            return Err(CheckerError::new(format!(
                "{} is no copy of the course, and no folder of copies (a copy has Cargo.toml \
                 and crates/exercises/)",
                path.display()
            )));
        }
        found.sort();
        for copy in found {
            copies.push(Workspace::at(absolute(&copy)?));
        }
    }
    Ok(copies)
}

fn is_copy(path: &Path) -> bool {
    path.join("Cargo.toml").is_file() && path.join("crates/exercises").is_dir()
}

fn absolute(path: &Path) -> Result<PathBuf, CheckerError> {
    path.canonicalize()
        .map_err(|error| CheckerError::new(format!("could not find {}: {error}", path.display())))
}

/// The binaries of the students' programs, one per exercise.
pub fn student_binaries() -> Vec<String> {
    catalog::all()
        .iter()
        .map(|exercise| Target::Student.binary(exercise))
        .collect()
}

/// Grades every copy: builds each in turn, checks the built ones `options.jobs` at a time.
/// Prints a line on stderr as each copy is done; returns the results in the order of `copies`.
pub fn grade(copies: Vec<Workspace>, options: &Options) -> Vec<CopyResult> {
    let total = copies.len();
    // Built copies wait here for a checker; a bounded queue keeps the builder from filling the
    // disk with the programs of copies nobody checks yet.
    let (built_sender, built_receiver) = mpsc::sync_channel::<BuiltCopy>(options.jobs.max(1));
    let built_receiver = Arc::new(Mutex::new(built_receiver));
    let results: Arc<Mutex<Vec<Option<CopyResult>>>> =
        Arc::new(Mutex::new((0..total).map(|_| None).collect()));
    std::thread::scope(|scope| {
        let target_dir = options.target_dir.clone();
        scope.spawn(move || {
            for (index, copy) in copies.into_iter().enumerate() {
                let started = Instant::now();
                let built = build_copy(&copy, &target_dir);
                let job = BuiltCopy {
                    index,
                    copy,
                    built,
                    build_time: started.elapsed(),
                };
                if built_sender.send(job).is_err() {
                    return;
                }
            }
        });
        for _ in 0..options.jobs.max(1) {
            let receiver = Arc::clone(&built_receiver);
            let results = Arc::clone(&results);
            scope.spawn(move || {
                loop {
                    // The lock is held only to take the next job.
                    let job = match receiver.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else {
                        return;
                    };
                    let index = job.index;
                    let result = check_copy(job);
                    eprintln!(
                        "graded {} ({} of {total}): {} of {} points, {:.1} s{}",
                        result.name,
                        index + 1,
                        crate::report::points(result.points()),
                        catalog::all().iter().map(|e| e.points).sum::<u32>(),
                        result.duration.as_secs_f64(),
                        match result.checker_failed() {
                            true => " (the checker failed on some checks: see the roll-up)",
                            false => "",
                        }
                    );
                    if let Ok(mut results) = results.lock() {
                        results[index] = Some(result);
                    }
                }
            });
        }
    });
    let results = match Arc::try_unwrap(results) {
        Ok(results) => results.into_inner().unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    results.into_iter().flatten().collect()
}

/// A copy whose programs are built (or could not be).
struct BuiltCopy {
    index: usize,
    copy: Workspace,
    built: Result<(Programs, Built), CheckerError>,
    build_time: Duration,
}

fn build_copy(copy: &Workspace, target_dir: &Path) -> Result<(Programs, Built), CheckerError> {
    let programs = Programs::new()?;
    let built = compile::build(
        copy,
        &student_binaries(),
        target_dir,
        &programs,
        Messages::Keep,
    )?;
    Ok((programs, built))
}

fn check_copy(job: BuiltCopy) -> CopyResult {
    let started = Instant::now();
    let BuiltCopy {
        copy,
        built,
        build_time,
        ..
    } = job;
    let name = copy.root().file_name().map_or_else(
        || copy.root().display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let mut result = CopyResult {
        name,
        root: copy.root().to_path_buf(),
        outcomes: Vec::new(),
        problem: None,
        duration: Duration::ZERO,
    };
    match built {
        Err(error) => result.problem = Some(error.to_string()),
        Ok((programs, built)) => {
            for exercise in catalog::all() {
                let binary = Target::Student.binary(exercise);
                let program = match built.get(&binary) {
                    Some(Ok(path)) => Ok(path.as_path()),
                    Some(Err(messages)) => Err(messages.as_str()),
                    None => Err("it was not built"),
                };
                let mut outcome = runner::check(exercise, Target::Student, program);
                // A step that failed may have failed because the machine was too busy for its
                // time limits (several copies are checked at once): check once more, and keep
                // the run that got further. A wrong program fails at the same step again.
                let failed = matches!(
                    outcome.status(),
                    Status::FailedAt(_) | Status::CheckerFailed
                );
                if let (true, Ok(path)) = (failed, program) {
                    let again = runner::check(exercise, Target::Student, Ok(path));
                    let attempts = outcome.attempts + 1;
                    if rank(&again) > rank(&outcome) {
                        outcome = again;
                    }
                    outcome.attempts = attempts;
                }
                outcome.file = FileFacts::of(&copy, exercise);
                result.outcomes.push(outcome);
            }
            drop(programs);
        }
    }
    result.duration = build_time + started.elapsed();
    result
}

/// How far a check got: a checker failure says least, then each step passed counts.
fn rank(outcome: &Outcome) -> usize {
    match outcome.status() {
        Status::CheckerFailed => 0,
        _ => 1 + outcome.steps_passed(),
    }
}
