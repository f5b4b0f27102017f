//! Every exercise is complete: an entry in the catalog has a starter, a solution, at least two
//! hints and two known-bad programs, a check, binaries declared for all of them, and a lesson
//! section that presents it and links the student's file; and every program file in the
//! exercises package belongs to an entry.
//!
//! This reads files only: the exercises are built and run by `cargo exercise verify` (in CI),
//! never by `cargo test`, so that a student's half-written file cannot break `cargo test`.

use std::path::Path;

use checker::{Exercise, catalog, progress};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Whether the exercises' Cargo.toml declares binary `name` built from `path`.
fn declares_binary(manifest: &str, name: &str, path: &str) -> bool {
    manifest.contains(&format!("[[bin]]\nname = \"{name}\"\npath = \"{path}\"\n"))
}

fn problems_of(exercise: &Exercise, manifest: &str) -> Vec<String> {
    let name = exercise.name;
    let mut problems = Vec::new();
    let mut need = |ok: bool, problem: String| {
        if !ok {
            problems.push(format!("{name}: {problem}"));
        }
    };
    let starter = progress::starter_file(exercise).expect("the workspace is found");
    need(
        starter.exists(),
        format!("no starter {}", starter.display()),
    );
    if starter.exists() {
        let text = read(&starter);
        need(
            text.contains(&format!("cargo exercise check {name}")),
            "the starter's header must give the check command".into(),
        );
        need(
            text.contains("todo!(") && text.contains("// TODO"),
            "the starter must mark each place to write with `// TODO` and `todo!()`".into(),
        );
    }
    let solution = progress::solution_file(exercise).expect("the workspace is found");
    need(
        solution.exists(),
        format!("no solution {}", solution.display()),
    );
    need(exercise.hints.len() >= 2, "fewer than two hints".into());
    need(!exercise.steps.is_empty(), "a check without steps".into());
    need(
        exercise.fixtures.len() >= 2,
        "fewer than two known-bad programs".into(),
    );
    let declared = [
        (format!("{name}-solution"), format!("solutions/{name}.rs")),
        (format!("{name}-starter"), format!("starters/{name}.rs")),
    ];
    for (binary, path) in declared {
        need(
            declares_binary(manifest, &binary, &path),
            format!("crates/exercises/Cargo.toml declares no [[bin]] {binary} at {path}"),
        );
    }
    for fixture in exercise.fixtures {
        let file = progress::fixture_file(exercise, fixture.name).expect("the workspace is found");
        need(
            file.exists(),
            format!("no known-bad program {}", file.display()),
        );
        let binary = format!("{name}-bad-{}", fixture.name);
        let path = format!("fixtures/{name}/{}.rs", fixture.name);
        need(
            declares_binary(manifest, &binary, &path),
            format!("crates/exercises/Cargo.toml declares no [[bin]] {binary} at {path}"),
        );
        need(
            exercise.step_number(fixture.caught_by).is_some(),
            format!(
                "known-bad {} names no step: {}",
                fixture.name, fixture.caught_by
            ),
        );
    }
    problems.extend(section_problems(exercise));
    problems
}

/// The lesson has the section the entry names, and it links the student's file.
fn section_problems(exercise: &Exercise) -> Vec<String> {
    let root = testkit::bins::workspace_root().expect("the course's workspace is found");
    let Some((file, anchor)) = exercise.section.split_once('#') else {
        return vec![format!(
            "{}: section {} has no #anchor",
            exercise.name, exercise.section
        )];
    };
    let lesson = root.join(file);
    if !lesson.exists() {
        return vec![format!("{}: no lesson {file}", exercise.name)];
    }
    let text = read(&lesson);
    let mut problems = Vec::new();
    if !course::lessons::heading_slugs(&text)
        .iter()
        .any(|slug| slug == anchor)
    {
        problems.push(format!(
            "{}: {file} has no heading for #{anchor}",
            exercise.name
        ));
    }
    let link = format!("(../crates/exercises/src/bin/{}.rs)", exercise.name);
    if !text.contains(&link) {
        problems.push(format!(
            "{}: {file} never links the student's file {link}",
            exercise.name
        ));
    }
    problems
}

#[test]
fn every_exercise_is_complete() {
    let manifest = read(
        &progress::package_dir()
            .expect("the workspace is found")
            .join("Cargo.toml"),
    );
    let problems: Vec<String> = catalog::ALL
        .iter()
        .flat_map(|exercise| problems_of(exercise, &manifest))
        .collect();
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn every_program_file_belongs_to_an_exercise() {
    let dir = progress::package_dir().expect("the workspace is found");
    let names: Vec<&str> = catalog::ALL.iter().map(|exercise| exercise.name).collect();
    let stem = |path: &Path| {
        path.file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut strays = Vec::new();
    for folder in ["starters", "solutions"] {
        for entry in std::fs::read_dir(dir.join(folder)).expect("the folder exists") {
            let path = entry.expect("a readable entry").path();
            if !names.contains(&stem(&path).as_str()) {
                strays.push(path.display().to_string());
            }
        }
    }
    for entry in std::fs::read_dir(dir.join("fixtures")).expect("fixtures/ exists") {
        let folder = entry.expect("a readable entry").path();
        let Some(exercise) = checker::find(&stem(&folder)) else {
            strays.push(folder.display().to_string());
            continue;
        };
        for file in std::fs::read_dir(&folder).expect("a readable folder") {
            let path = file.expect("a readable entry").path();
            let known = exercise
                .fixtures
                .iter()
                .any(|fixture| fixture.name == stem(&path));
            if !known {
                strays.push(path.display().to_string());
            }
        }
    }
    assert!(
        strays.is_empty(),
        "these files belong to no exercise in crates/course/src/exercise/catalog.rs:\n{}",
        strays.join("\n")
    );
}

#[test]
fn exercise_names_are_unique_and_in_lesson_order() {
    let lessons: Vec<u8> = catalog::ALL
        .iter()
        .map(|exercise| exercise.lesson)
        .collect();
    assert!(lessons.is_sorted(), "{lessons:?}");
    let mut names: Vec<&str> = catalog::ALL.iter().map(|exercise| exercise.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        catalog::ALL.len(),
        "two exercises share a name"
    );
}
