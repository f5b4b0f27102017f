//! A class's roll-up (`cargo exercise grade`): a CSV with one row per copy and, per exercise,
//! the steps passed out of all and the points; a JSON with everything the reports of each copy
//! hold; and a table for the terminal.

use std::fmt::Write as _;

use serde::Serialize;

use crate::catalog;
use crate::grade::CopyResult;
use crate::runner::{Outcome, Status};

use super::json::{ExerciseResult, SCHEMA_VERSION, now, rounded};
use super::points;

/// The roll-up of a class as JSON.
#[derive(Debug, Serialize)]
pub struct ClassDocument {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// When the roll-up was made (RFC 3339, UTC).
    pub generated_at: String,
    /// The exercises, in lesson order, with what each is worth.
    pub exercises: Vec<ExerciseInfo>,
    /// The points there are to earn, in all.
    pub max_points: u32,
    /// One entry per copy graded.
    pub copies: Vec<CopyDocument>,
}

/// An exercise of the course.
#[derive(Debug, Serialize)]
pub struct ExerciseInfo {
    /// Its name.
    pub name: &'static str,
    /// Its lesson.
    pub lesson: u8,
    /// Its points.
    pub points: u32,
    /// How many steps its check has.
    pub steps: usize,
}

/// One copy's results.
#[derive(Debug, Serialize)]
pub struct CopyDocument {
    /// The copy's folder name.
    pub name: String,
    /// Its path.
    pub path: String,
    /// Points earned in all (checker errors earn none and are listed in `error`).
    pub points: f64,
    /// Points there were to earn.
    pub max_points: u32,
    /// Why the copy could not be graded, or which checks the checker itself failed.
    pub error: Option<String>,
    /// Every exercise's result (empty when the copy could not be graded).
    pub exercises: Vec<ExerciseResult>,
}

/// The class's roll-up as JSON.
pub fn json(copies: &[CopyResult]) -> ClassDocument {
    let exercises: Vec<ExerciseInfo> = catalog::all()
        .iter()
        .map(|exercise| ExerciseInfo {
            name: exercise.name,
            lesson: exercise.lesson,
            points: exercise.points,
            steps: exercise.steps.len(),
        })
        .collect();
    let max_points = catalog::all().iter().map(|exercise| exercise.points).sum();
    let copies = copies
        .iter()
        .map(|copy| CopyDocument {
            name: copy.name.clone(),
            path: copy.root.display().to_string(),
            points: rounded(copy.points()),
            max_points,
            error: copy.error(),
            exercises: copy.outcomes.iter().map(ExerciseResult::of).collect(),
        })
        .collect();
    ClassDocument {
        schema_version: SCHEMA_VERSION,
        generated_at: now(),
        exercises,
        max_points,
        copies,
    }
}

/// The class's roll-up as CSV: `copy`, then for each exercise `NAME steps` (`4/6`,
/// `does not compile`, `checker error`) and `NAME points`, then `points` and `max points`.
pub fn csv(copies: &[CopyResult]) -> String {
    let mut header = vec!["copy".to_string()];
    for exercise in catalog::all() {
        header.push(format!("{} steps", exercise.name));
        header.push(format!("{} points", exercise.name));
    }
    header.extend(["points".to_string(), "max points".to_string()]);
    let max_points: u32 = catalog::all().iter().map(|exercise| exercise.points).sum();
    let mut text = csv_row(&header);
    for copy in copies {
        let mut row = vec![copy.name.clone()];
        for exercise in catalog::all() {
            match copy.outcome(exercise.name) {
                Some(outcome) => {
                    row.push(steps_cell(outcome));
                    row.push(match outcome.status() {
                        Status::CheckerFailed => String::new(),
                        _ => points(outcome.points()),
                    });
                }
                None => row.extend([String::new(), String::new()]),
            }
        }
        row.push(points(copy.points()));
        row.push(max_points.to_string());
        text.push_str(&csv_row(&row));
    }
    text
}

/// `4/6`, `does not compile` or `checker error`.
fn steps_cell(outcome: &Outcome) -> String {
    match outcome.status() {
        Status::DoesNotCompile => "does not compile".to_string(),
        Status::CheckerFailed => "checker error".to_string(),
        _ => format!(
            "{}/{}",
            outcome.steps_passed(),
            outcome.exercise.steps.len()
        ),
    }
}

/// One CSV line (RFC 4180: a field with a comma, a quote or a line break is quoted).
fn csv_row(fields: &[String]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|field| match field.contains([',', '"', '\n', '\r']) {
            true => format!("\"{}\"", field.replace('"', "\"\"")),
            false => field.clone(),
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

/// The roll-up as a table for the terminal: a row per copy, a column per exercise (`4/6`,
/// `CE` for does not compile, `ERR` for a checker error), then the points.
pub fn table(copies: &[CopyResult]) -> String {
    let name_width = copies
        .iter()
        .map(|copy| copy.name.chars().count())
        .chain([4])
        .max()
        .unwrap_or(4);
    let mut text = format!("{:<name_width$}", "copy");
    for (index, _) in catalog::all().iter().enumerate() {
        let _ = write!(text, " {:>5}", format!("#{}", index + 1));
    }
    let _ = writeln!(text, " {:>7}", "points");
    for copy in copies {
        let _ = write!(text, "{:<name_width$}", copy.name);
        for exercise in catalog::all() {
            let cell = match copy.outcome(exercise.name) {
                None => "-".to_string(),
                Some(outcome) => match outcome.status() {
                    Status::DoesNotCompile => "CE".to_string(),
                    Status::CheckerFailed => "ERR".to_string(),
                    _ => steps_cell(outcome),
                },
            };
            let _ = write!(text, " {cell:>5}");
        }
        let _ = writeln!(text, " {:>7}", points(copy.points()));
        if let Some(error) = copy.error() {
            let _ = writeln!(text, "{:<name_width$}   ! {error}", "");
        }
    }
    let max_points: u32 = catalog::all().iter().map(|exercise| exercise.points).sum();
    let _ = writeln!(
        text,
        "\nsteps passed/steps per exercise; CE: does not compile; ERR: the checker failed (says nothing of the copy); points of {max_points}."
    );
    for (index, exercise) in catalog::all().iter().enumerate() {
        let _ = writeln!(
            text,
            "  #{} {} ({} points, {} steps)",
            index + 1,
            exercise.name,
            exercise.points,
            exercise.steps.len()
        );
    }
    text
}
