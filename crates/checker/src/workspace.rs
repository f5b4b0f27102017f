//! One copy of the course, and where an exercise's files are in it.
//!
//! Every command acts on the copy the current directory is in ([`Workspace::find`], found at
//! run time as cargo finds it), or on a copy named on the command line (grading a class):
//! never on a folder decided when the checker was compiled. So a moved copy works, and copies
//! that share a target dir each act on their own files.
//!
//! An exercise has one folder, `crates/exercises/NAME/`:
//!
//! ```text
//! NAME.rs          the student's program (shipped as a copy of the starter)
//! starter.rs       the starter as shipped: what `cargo exercise reset` puts back
//! solution.rs      the reference solution
//! exercise.toml    lesson, title, port, points, hints
//! known-bad/*.rs   programs with one mistake each, which the check must catch
//! ```

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::Exercise;

/// A copy of the course: the folder of its workspace `Cargo.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    root: PathBuf,
}

impl Workspace {
    /// The copy the current directory is in (see `testkit::bins::workspace_root`).
    pub fn find() -> Result<Workspace> {
        Ok(Workspace {
            root: testkit::bins::workspace_root()?,
        })
    }

    /// The copy whose workspace `Cargo.toml` is in `root`.
    pub fn at(root: impl Into<PathBuf>) -> Workspace {
        Workspace { root: root.into() }
    }

    /// Its folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Its workspace manifest, for `cargo build --manifest-path`.
    pub fn manifest(&self) -> PathBuf {
        self.root.join("Cargo.toml")
    }

    /// The exercises package: `crates/exercises`.
    pub fn exercises_dir(&self) -> PathBuf {
        self.root.join("crates/exercises")
    }

    /// The exercise's folder: `crates/exercises/NAME`.
    pub fn folder(&self, exercise: &Exercise) -> PathBuf {
        self.exercises_dir().join(exercise.name)
    }

    /// The student's program: `crates/exercises/NAME/NAME.rs`.
    pub fn student_file(&self, exercise: &Exercise) -> PathBuf {
        self.folder(exercise).join(format!("{}.rs", exercise.name))
    }

    /// The starter as shipped: `crates/exercises/NAME/starter.rs`.
    pub fn starter_file(&self, exercise: &Exercise) -> PathBuf {
        self.folder(exercise).join("starter.rs")
    }

    /// The reference solution: `crates/exercises/NAME/solution.rs`.
    pub fn solution_file(&self, exercise: &Exercise) -> PathBuf {
        self.folder(exercise).join("solution.rs")
    }

    /// The folder of the known-bad programs: `crates/exercises/NAME/known-bad`.
    pub fn known_bad_dir(&self, exercise: &Exercise) -> PathBuf {
        self.folder(exercise).join("known-bad")
    }

    /// The file a student's copy keeps its progress in (results, hints shown): in the copy
    /// itself, ignored by git, never in a target dir that other copies may share.
    pub fn progress_file(&self) -> PathBuf {
        self.root.join(".exercise-progress.json")
    }
}
