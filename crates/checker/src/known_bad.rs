//! Known-bad programs: each is an exercise's program with one mistake, kept to prove that the
//! check catches it (`cargo exercise verify`). A file `crates/exercises/NAME/known-bad/BAD.rs`
//! says in its header what the mistake is and which step must catch it:
//!
//! ```text
//! //! mistake: replies `Hello, Ada` without the `!`
//! //! caught by: answers-one-client
//! ```
//!
//! `caught by` is a step's id (`Step::id`): every step before it must pass, and it must fail.

use anyhow::{Context, Result, bail};

use crate::Exercise;
use crate::workspace::Workspace;

/// One known-bad program of an exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownBad {
    /// Its name: the file `known-bad/NAME.rs`, the binary `EXERCISE-known-bad-NAME`.
    pub name: String,
    /// The mistake it makes, in words.
    pub mistake: String,
    /// The id of the step that must catch it.
    pub caught_by: String,
}

/// The known-bad programs of `exercise` in `workspace`, by name (none when the copy has no
/// `known-bad` folder, as a class copy without solutions).
pub fn list(workspace: &Workspace, exercise: &Exercise) -> Result<Vec<KnownBad>> {
    let dir = workspace.known_bad_dir(exercise);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut programs = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("could not list {}", dir.display()))?
            .path();
        if path.extension().is_none_or(|extension| extension != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("could not read {}", path.display()))?;
        let name = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (mistake, caught_by) = header(&text)
            .with_context(|| format!("{} is not a known-bad program", path.display()))?;
        programs.push(KnownBad {
            name,
            mistake,
            caught_by,
        });
    }
    programs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(programs)
}

/// The `mistake:` and `caught by:` lines of a known-bad program's `//!` header.
fn header(text: &str) -> Result<(String, String)> {
    let field = |key: &str| {
        text.lines()
            .take_while(|line| line.starts_with("//!"))
            .find_map(|line| line.strip_prefix("//! ")?.strip_prefix(key))
            .map(|value| value.trim().to_string())
    };
    match (field("mistake:"), field("caught by:")) {
        (Some(mistake), Some(caught_by)) => Ok((mistake, caught_by)),
        _ => {
            bail!("its header must have the lines `//! mistake: ...` and `//! caught by: STEP-ID`")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::header;

    #[test]
    fn the_header_gives_the_mistake_and_the_step() {
        let text = "//! A known-bad program.\n//!\n//! mistake: forgets the `!`\n//! caught by: answers-one-client\n\nfn main() {}\n";
        assert_eq!(
            header(text).expect("a header"),
            (
                "forgets the `!`".to_string(),
                "answers-one-client".to_string()
            )
        );
    }

    #[test]
    fn a_header_without_the_step_is_refused() {
        assert!(header("//! mistake: something\nfn main() {}\n").is_err());
        assert!(header("fn main() {}\n//! caught by: x\n//! mistake: y\n").is_err());
    }
}
