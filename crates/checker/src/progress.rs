//! Where a student stands: the files of each exercise, the result of its last check and how
//! many hints have been shown. The record lives in `target/` (it is the student's, not the
//! course's, and never committed); losing it (`cargo clean`) only forgets hints shown and
//! last results.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::Exercise;
use testkit::bins;

/// The folder of the exercises package, in the copy of the course the current directory is in.
pub fn package_dir() -> Result<PathBuf> {
    Ok(bins::workspace_root()?.join("crates/exercises"))
}

/// The student's file: `crates/exercises/src/bin/NAME.rs`.
pub fn student_file(exercise: &Exercise) -> Result<PathBuf> {
    Ok(package_dir()?.join(format!("src/bin/{}.rs", exercise.name)))
}

/// The starter as shipped: `crates/exercises/starters/NAME.rs`.
pub fn starter_file(exercise: &Exercise) -> Result<PathBuf> {
    Ok(package_dir()?.join(format!("starters/{}.rs", exercise.name)))
}

/// The reference solution: `crates/exercises/solutions/NAME.rs`.
pub fn solution_file(exercise: &Exercise) -> Result<PathBuf> {
    Ok(package_dir()?.join(format!("solutions/{}.rs", exercise.name)))
}

/// A known-bad program: `crates/exercises/fixtures/NAME/BAD.rs`.
pub fn fixture_file(exercise: &Exercise, bad: &str) -> Result<PathBuf> {
    Ok(package_dir()?.join(format!("fixtures/{}/{bad}.rs", exercise.name)))
}

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

fn record_path() -> Result<PathBuf> {
    Ok(bins::bin_dir()?.join("exercise-progress.json"))
}

impl Progress {
    /// Reads the record (an empty one if there is none yet, or it cannot be read).
    pub fn load() -> Progress {
        record_path()
            .ok()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Writes the record back.
    pub fn save(&self) -> Result<()> {
        let path = record_path()?;
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

/// Whether the student's file is still the starter, byte for byte (not started).
pub fn untouched(exercise: &Exercise) -> bool {
    let read = |path: Result<PathBuf>| path.ok().and_then(|path| std::fs::read(path).ok());
    match (read(student_file(exercise)), read(starter_file(exercise))) {
        (Some(student), Some(starter)) => student == starter,
        _ => false,
    }
}

/// One phrase for `cargo exercise list`: `passed`, `fails at step 2 (...)`, `not started`, ...
pub fn status(exercise: &Exercise, progress: &Progress) -> String {
    if !student_file(exercise).is_ok_and(|file| file.exists()) {
        return format!(
            "missing: restore it with `cargo exercise reset {} --yes`",
            exercise.name
        );
    }
    if untouched(exercise) {
        return "not started".to_string();
    }
    let entry = progress.entry(exercise);
    match entry.last_check {
        Some(last) if entry.checked_file == fingerprint(exercise) => last,
        Some(last) => format!("changed since the last check (which {last})"),
        None => "started, not checked yet".to_string(),
    }
}

/// A fingerprint of the student's file as it is now (`None` if it cannot be read).
pub fn fingerprint(exercise: &Exercise) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let bytes = std::fs::read(student_file(exercise).ok()?).ok()?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    Some(hasher.finish())
}

/// Copies the starter over the student's file.
pub fn reset(exercise: &Exercise) -> Result<()> {
    let from = starter_file(exercise)?;
    let to = student_file(exercise)?;
    std::fs::copy(&from, &to)
        .with_context(|| format!("could not copy {} to {}", from.display(), to.display()))?;
    Ok(())
}
