//! Where a student stands: the result of each exercise's last check and how many hints have
//! been shown. The record lives in the copy of the course it belongs to
//! ([`Workspace::progress_file`], ignored by git): never in a target dir, which several copies
//! may share. Losing it only forgets hints shown and last results.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::Exercise;
use crate::runner::{Outcome, Status, Target};
use crate::workspace::Workspace;

/// What the record keeps of one exercise.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Entry {
    /// The status of the last check: `passed`, `fails at step 2 (...)`, `does not compile`.
    pub last_check: Option<String>,
    /// Whether the last check passed.
    pub passed: bool,
    /// How many hints have been shown.
    pub hints_shown: usize,
    /// A fingerprint of the student's file when it was last checked, to tell whether the
    /// last result still holds.
    #[serde(default)]
    pub checked_file: Option<u64>,
}

/// The record of every exercise, by name.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    exercises: BTreeMap<String, Entry>,
}

impl Progress {
    /// Reads the record of `workspace` (an empty one if there is none yet, or it cannot be
    /// read).
    pub fn load(workspace: &Workspace) -> Progress {
        std::fs::read_to_string(workspace.progress_file())
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Writes the record back into `workspace`.
    pub fn save(&self, workspace: &Workspace) -> Result<()> {
        let path = workspace.progress_file();
        let text = serde_json::to_string_pretty(self).context("could not encode the progress")?;
        std::fs::write(&path, text).with_context(|| format!("could not write {}", path.display()))
    }

    /// The entry of `exercise`.
    pub fn entry(&self, exercise: &Exercise) -> Entry {
        self.exercises
            .get(exercise.name)
            .cloned()
            .unwrap_or_default()
    }

    /// The entry of `exercise`, to change.
    pub fn entry_mut(&mut self, exercise: &Exercise) -> &mut Entry {
        self.exercises.entry(exercise.name.to_string()).or_default()
    }
}

/// Remembers the result of a check of the student's program, for `list` and `solution`. A
/// failure of the checker itself is never recorded: it says nothing of the program.
pub fn record(workspace: &Workspace, outcome: &Outcome) {
    if outcome.target != Target::Student || outcome.status() == Status::CheckerFailed {
        return;
    }
    let mut saved = Progress::load(workspace);
    let entry = saved.entry_mut(outcome.exercise);
    entry.last_check = Some(outcome.status_text());
    entry.passed = outcome.passed();
    entry.checked_file = fingerprint(workspace, outcome.exercise);
    // The record is a convenience: a check still counts if it cannot be written.
    let _ = saved.save(workspace);
}

/// Whether the student's file is still the starter, byte for byte (not started).
pub fn untouched(workspace: &Workspace, exercise: &Exercise) -> bool {
    let read = |path| std::fs::read(path).ok();
    match (
        read(workspace.student_file(exercise)),
        read(workspace.starter_file(exercise)),
    ) {
        (Some(student), Some(starter)) => student == starter,
        _ => false,
    }
}

/// One phrase for `cargo exercise list`: `passed`, `fails at step 2 (...)`, `not started`, ...
pub fn status(workspace: &Workspace, exercise: &Exercise, progress: &Progress) -> String {
    if !workspace.student_file(exercise).exists() {
        return format!(
            "missing: restore it with `cargo exercise reset {} --yes`",
            exercise.name
        );
    }
    if untouched(workspace, exercise) {
        return "not started".to_string();
    }
    let entry = progress.entry(exercise);
    match entry.last_check {
        Some(last) if entry.checked_file == fingerprint(workspace, exercise) => last,
        Some(last) => format!("changed since the last check (which {last})"),
        None => "started, not checked yet".to_string(),
    }
}

/// A fingerprint of the student's file as it is now (`None` if it cannot be read).
pub fn fingerprint(workspace: &Workspace, exercise: &Exercise) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let bytes = std::fs::read(workspace.student_file(exercise)).ok()?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    Some(hasher.finish())
}

/// Copies the starter over the student's file, in `workspace` only.
pub fn reset(workspace: &Workspace, exercise: &Exercise) -> Result<()> {
    let from = workspace.starter_file(exercise);
    let to = workspace.student_file(exercise);
    std::fs::copy(&from, &to)
        .with_context(|| format!("could not copy {} to {}", from.display(), to.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Progress, record};
    use crate::runner::{Outcome, Target};
    use crate::workspace::Workspace;

    #[test]
    fn a_failure_of_the_checker_is_never_saved_as_progress() {
        let root = std::env::temp_dir().join(format!("progress-test-{}", std::process::id()));
        std::fs::create_dir_all(&root).expect("a temporary folder");
        let workspace = Workspace::at(&root);
        let exercise = crate::find("greet-server").expect("an exercise");
        let mut outcome = Outcome::not_built(exercise, Target::Student, String::new());
        outcome.build_error = None;
        outcome.checker_error = Some("could not start a helper".to_string());
        record(&workspace, &outcome);
        assert!(!workspace.progress_file().exists());
        // A program that does not compile is the student's: it is recorded.
        let outcome = Outcome::not_built(exercise, Target::Student, "error".to_string());
        record(&workspace, &outcome);
        let entry = Progress::load(&workspace).entry(exercise);
        assert_eq!(entry.last_check.as_deref(), Some("does not compile"));
        let _ = std::fs::remove_dir_all(&root);
    }
}
