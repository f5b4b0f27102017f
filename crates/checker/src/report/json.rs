//! Check results as JSON, from typed structs: what each field means is written here, and a
//! tool reading the document checks [`SCHEMA_VERSION`] first. Bump it when a field changes
//! meaning or goes away (adding a field keeps the version).

use serde::Serialize;

use crate::runner::{FileFacts, Outcome, Status};

use super::{failure_text, shown};

/// The version of the documents' shape.
pub const SCHEMA_VERSION: u32 = 1;

/// `cargo exercise check --format json`: the checks of one copy of the course.
#[derive(Debug, Serialize)]
pub struct Document {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// When the report was made (RFC 3339, UTC).
    pub generated_at: String,
    /// How many exercises passed every step.
    pub passed: usize,
    /// How many exercises were checked.
    pub total: usize,
    /// The points earned, in all.
    pub points: f64,
    /// The points there were to earn.
    pub max_points: u32,
    /// One entry per exercise checked.
    pub exercises: Vec<ExerciseResult>,
}

/// The result of one exercise.
#[derive(Debug, Clone, Serialize)]
pub struct ExerciseResult {
    /// Its name: `greet-server`.
    pub exercise: &'static str,
    /// Its lesson.
    pub lesson: u8,
    /// The binary checked: `greet-server`, or `greet-server-solution`, ...
    pub binary: String,
    /// How the check ended.
    pub status: StatusName,
    /// The same in words: `fails at step 3 (...)`.
    pub status_text: String,
    /// Whether every step passed.
    pub passed: bool,
    /// Steps passed.
    pub steps_passed: usize,
    /// Steps in the check.
    pub steps_total: usize,
    /// Points earned: each step passed is worth `points / steps_total`.
    pub points: f64,
    /// The exercise's points.
    pub max_points: u32,
    /// How long the steps took, in seconds.
    pub seconds: f64,
    /// How many times the check ran (grading checks a failing program twice and keeps the
    /// run that got further).
    pub attempts: usize,
    /// The student's file: its sha256, and whether it is the starter or the reference
    /// solution byte for byte (checks of the student's program only).
    pub file: Option<FileFacts>,
    /// Every step of the check, run or not.
    pub steps: Vec<StepResult>,
    /// The report a student reads (for an exercise that did not pass).
    pub failure: Option<String>,
}

/// How a check ended, as a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusName {
    /// Every step passed.
    Passed,
    /// A step failed.
    Failed,
    /// The program does not compile.
    DoesNotCompile,
    /// The checker itself failed: says nothing of the program.
    CheckerError,
}

/// One step of a check.
#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    /// Its number, from 1.
    pub number: usize,
    /// Its id, which never changes.
    pub id: &'static str,
    /// What it checks, in words.
    pub name: &'static str,
    /// `passed`, `failed`, or `not-run` (after a failure, or when the program does not
    /// compile).
    pub status: StepStatus,
    /// How long it took, in seconds (steps that ran).
    pub seconds: Option<f64>,
    /// What it is worth.
    pub points: f64,
}

/// What happened to one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    /// It passed.
    Passed,
    /// It failed.
    Failed,
    /// It did not run.
    NotRun,
}

/// Points rounded to two decimals, as reports show them.
pub fn rounded(points: f64) -> f64 {
    (points * 100.0).round() / 100.0
}

/// The time now, as reports give it.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl ExerciseResult {
    /// The result of `outcome`.
    pub fn of(outcome: &Outcome) -> ExerciseResult {
        let exercise = outcome.exercise;
        let share = exercise.step_share();
        let steps = exercise
            .steps
            .iter()
            .enumerate()
            .map(|(index, step)| {
                let ran = outcome.steps.get(index);
                StepResult {
                    number: index + 1,
                    id: step.id,
                    name: step.name,
                    status: match ran {
                        Some(ran) if ran.failure.is_none() => StepStatus::Passed,
                        Some(_) => StepStatus::Failed,
                        None => StepStatus::NotRun,
                    },
                    seconds: ran.map(|ran| ran.duration.as_secs_f64()),
                    points: rounded(share),
                }
            })
            .collect();
        let status = match outcome.status() {
            Status::Passed => StatusName::Passed,
            Status::FailedAt(_) => StatusName::Failed,
            Status::DoesNotCompile => StatusName::DoesNotCompile,
            Status::CheckerFailed => StatusName::CheckerError,
        };
        ExerciseResult {
            exercise: exercise.name,
            lesson: exercise.lesson,
            binary: outcome.target.binary(exercise),
            status,
            status_text: outcome.status_text(),
            passed: outcome.passed(),
            steps_passed: outcome.steps_passed(),
            steps_total: exercise.steps.len(),
            points: rounded(outcome.points()),
            max_points: exercise.points,
            seconds: outcome.duration.as_secs_f64(),
            attempts: outcome.attempts,
            file: outcome.file.clone(),
            steps,
            failure: (!outcome.passed()).then(|| shown::text(&failure_text(outcome))),
        }
    }
}

/// Every outcome as one JSON document ([`Document`]).
pub fn document(outcomes: &[Outcome]) -> Document {
    let exercises: Vec<ExerciseResult> = outcomes.iter().map(ExerciseResult::of).collect();
    Document {
        schema_version: SCHEMA_VERSION,
        generated_at: now(),
        passed: outcomes.iter().filter(|outcome| outcome.passed()).count(),
        total: outcomes.len(),
        points: rounded(outcomes.iter().map(Outcome::points).sum()),
        max_points: outcomes.iter().map(|outcome| outcome.exercise.points).sum(),
        exercises,
    }
}

/// `value` as pretty JSON text.
pub fn to_text(value: &impl Serialize) -> String {
    // Serializing these structs cannot fail: no maps with non-string keys, no floats that are
    // not numbers.
    serde_json::to_string_pretty(value).unwrap_or_default()
}
