//! `cargo exercise remove-solutions`: takes the reference solutions and the known-bad programs
//! (most of which are a solution with one change, so they give it away) out of a copy of the
//! course, for a class. It deletes every `NAME/solution.rs` and `NAME/known-bad/`, and their
//! `[[bin]]` entries from `crates/exercises/Cargo.toml` (edited with `toml_edit`, so its
//! comments stay). Every command a student uses works as before; `cargo exercise verify`,
//! which needs them, says so; `crates/exercises/build.rs` then has nothing to generate.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::catalog;
use crate::workspace::Workspace;

/// What [`remove`] took out.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Removed {
    /// The files and folders deleted.
    pub paths: Vec<PathBuf>,
    /// The `[[bin]]` entries taken out of the manifest.
    pub binaries: Vec<String>,
}

/// Whether `workspace` still has the reference solutions.
pub fn present(workspace: &Workspace) -> bool {
    catalog::all()
        .iter()
        .any(|exercise| workspace.solution_file(exercise).exists())
}

/// Deletes the solutions and known-bad programs of `workspace` and their `[[bin]]` entries.
pub fn remove(workspace: &Workspace) -> Result<Removed> {
    let mut removed = Removed::default();
    for exercise in catalog::all() {
        let solution = workspace.solution_file(exercise);
        if solution.exists() {
            std::fs::remove_file(&solution)
                .with_context(|| format!("could not delete {}", solution.display()))?;
            removed.paths.push(solution);
        }
        let known_bad = workspace.known_bad_dir(exercise);
        if known_bad.exists() {
            std::fs::remove_dir_all(&known_bad)
                .with_context(|| format!("could not delete {}", known_bad.display()))?;
            removed.paths.push(known_bad);
        }
    }
    removed.binaries = remove_missing_binaries(workspace)?;
    Ok(removed)
}

/// Takes out of `crates/exercises/Cargo.toml` every `[[bin]]` whose file no longer exists.
fn remove_missing_binaries(workspace: &Workspace) -> Result<Vec<String>> {
    let dir = workspace.exercises_dir();
    let path = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read {}", path.display()))?;
    let mut manifest: toml_edit::DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))?;
    let mut removed = Vec::new();
    if let Some(bins) = manifest
        .get_mut("bin")
        .and_then(toml_edit::Item::as_array_of_tables_mut)
    {
        bins.retain(|bin| {
            let file = bin.get("path").and_then(toml_edit::Item::as_str);
            let keep = file.is_some_and(|file| dir.join(file).exists());
            if !keep {
                let name = bin.get("name").and_then(toml_edit::Item::as_str);
                removed.push(name.unwrap_or("?").to_string());
            }
            keep
        });
    }
    std::fs::write(&path, manifest.to_string())
        .with_context(|| format!("could not write {}", path.display()))?;
    Ok(removed)
}
