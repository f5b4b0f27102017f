//! Every exercise is complete: its folder `crates/exercises/NAME/` has the student's program,
//! the starter, the solution and at least two known-bad programs (each naming the step that
//! catches it), its `exercise.toml` at least two hints, its check at least one step, every
//! program is declared as a binary, and its lesson has a section that presents it and links the
//! student's file. And nothing in `crates/exercises` belongs to no exercise.
//!
//! This reads files only: the exercises are built and run by `cargo exercise verify` (in CI),
//! never by `cargo test`, so that a student's half-written file cannot break `cargo test`.
//! A class copy whose solutions were taken out (`cargo exercise remove-solutions`) has no
//! solutions and no known-bad programs, and is complete without them.

use std::collections::BTreeSet;
use std::path::Path;

use checker::workspace::Workspace;
use checker::{Exercise, catalog, known_bad, solutions};

fn workspace() -> Workspace {
    Workspace::find().expect("the course's workspace is found")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn problems_of(workspace: &Workspace, exercise: &Exercise) -> Vec<String> {
    let name = exercise.name;
    let mut problems = Vec::new();
    let mut need = |ok: bool, problem: String| {
        if !ok {
            problems.push(format!("{name}: {problem}"));
        }
    };
    let with_solutions = solutions::present(workspace);
    let student = workspace.student_file(exercise);
    need(student.exists(), format!("no {}", student.display()));
    let solution = workspace.solution_file(exercise);
    need(
        solution.exists() || !with_solutions,
        format!("no {}", solution.display()),
    );
    let starter = workspace.starter_file(exercise);
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
    need(exercise.hints.len() >= 2, "fewer than two hints".into());
    need(!exercise.steps.is_empty(), "a check without steps".into());
    match known_bad::list(workspace, exercise) {
        Err(error) => need(false, format!("{error:#}")),
        Ok(programs) => {
            need(
                programs.len() >= 2 || !with_solutions,
                "fewer than two known-bad programs".into(),
            );
            for program in programs {
                need(
                    exercise.step_number(&program.caught_by).is_some(),
                    format!(
                        "known-bad/{}.rs says `caught by: {}`, which is no step's id (the ids \
                         are in crates/checks/src/ and crates/checks-concurrent/src/)",
                        program.name, program.caught_by
                    ),
                );
            }
        }
    }
    problems.extend(section_problems(workspace, exercise));
    problems
}

/// The lesson has the section the entry names, and it links the student's file.
fn section_problems(workspace: &Workspace, exercise: &Exercise) -> Vec<String> {
    let Some((file, anchor)) = exercise.section.split_once('#') else {
        return vec![format!(
            "{}: section {} has no #anchor",
            exercise.name, exercise.section
        )];
    };
    let lesson = workspace.root().join(file);
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
    let link = format!("(../crates/exercises/{0}/{0}.rs)", exercise.name);
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
    let workspace = workspace();
    let problems: Vec<String> = catalog::all()
        .iter()
        .flat_map(|exercise| problems_of(&workspace, exercise))
        .collect();
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// The `[[bin]]` entries that the exercises' folders call for, as `(name, path)`.
fn binaries_wanted(workspace: &Workspace) -> BTreeSet<(String, String)> {
    let mut wanted = BTreeSet::new();
    for exercise in catalog::all() {
        let name = exercise.name;
        wanted.insert((name.to_string(), format!("{name}/{name}.rs")));
        wanted.insert((format!("{name}-starter"), format!("{name}/starter.rs")));
        if workspace.solution_file(exercise).exists() {
            wanted.insert((format!("{name}-solution"), format!("{name}/solution.rs")));
        }
        for program in known_bad::list(workspace, exercise).expect("known-bad programs") {
            let bad = program.name;
            wanted.insert((
                format!("{name}-known-bad-{bad}"),
                format!("{name}/known-bad/{bad}.rs"),
            ));
        }
    }
    wanted
}

/// The `[[bin]]` entries of `crates/exercises/Cargo.toml`, as `(name, path)`.
fn binaries_declared(workspace: &Workspace) -> BTreeSet<(String, String)> {
    let manifest = read(&workspace.exercises_dir().join("Cargo.toml"));
    let manifest: toml::Table = toml::from_str(&manifest).expect("Cargo.toml is TOML");
    let bins = manifest
        .get("bin")
        .and_then(toml::Value::as_array)
        .cloned()
        .unwrap_or_default();
    bins.iter()
        .map(|bin| {
            let field = |key: &str| {
                bin.get(key)
                    .and_then(toml::Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            (field("name"), field("path"))
        })
        .collect()
}

#[test]
fn every_exercise_program_is_a_binary() {
    let workspace = workspace();
    let wanted = binaries_wanted(&workspace);
    let declared = binaries_declared(&workspace);
    let entry =
        |(name, path): &(String, String)| format!("[[bin]]\nname = \"{name}\"\npath = \"{path}\"");
    let missing: Vec<String> = wanted.difference(&declared).map(entry).collect();
    let extra: Vec<String> = declared.difference(&wanted).map(entry).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "crates/exercises/Cargo.toml does not match the exercises' folders.\n\nAdd:\n{}\n\nRemove:\n{}\n",
        missing.join("\n"),
        extra.join("\n")
    );
}

#[test]
fn every_file_in_the_exercises_package_belongs_to_an_exercise() {
    let workspace = workspace();
    let names: Vec<&str> = catalog::all()
        .iter()
        .map(|exercise| exercise.name)
        .collect();
    let mut strays = Vec::new();
    let dir = workspace.exercises_dir();
    for entry in std::fs::read_dir(&dir).expect("crates/exercises exists") {
        let path = entry.expect("a readable entry").path();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let package_file = ["Cargo.toml", "build.rs", "src"].contains(&file_name.as_str());
        if package_file {
            continue;
        }
        let Some(exercise) = checker::find(&file_name).filter(|_| path.is_dir()) else {
            strays.push(path.display().to_string());
            continue;
        };
        let expected = [
            format!("{}.rs", exercise.name),
            "starter.rs".into(),
            "solution.rs".into(),
            "exercise.toml".into(),
            "known-bad".into(),
        ];
        for file in std::fs::read_dir(&path).expect("a readable folder") {
            let file = file.expect("a readable entry").path();
            let file_name = file
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !expected.contains(&file_name) {
                strays.push(file.display().to_string());
            }
        }
    }
    assert!(
        strays.is_empty(),
        "these belong to no exercise (each exercise has its folder, its check in \
         crates/checks/src/ or crates/checks-concurrent/src/, listed in catalog::CHECKS):\n{}\n(names: {names:?})",
        strays.join("\n")
    );
}

#[test]
fn exercise_names_are_unique_and_in_lesson_order() {
    let lessons: Vec<u8> = catalog::all()
        .iter()
        .map(|exercise| exercise.lesson)
        .collect();
    assert!(lessons.is_sorted(), "{lessons:?}");
    let mut names: Vec<&str> = catalog::all()
        .iter()
        .map(|exercise| exercise.name)
        .collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        catalog::all().len(),
        "two exercises share a name"
    );
}

/// The words of a starter's `//!` header, as one line with single spaces.
fn header_words(starter: &str) -> String {
    let header: Vec<&str> = starter
        .lines()
        .take_while(|line| line.starts_with("//!"))
        .map(|line| line.trim_start_matches("//!"))
        .collect();
    single_spaces(&header.join(" "))
}

fn single_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What is wrong with `exercise`'s table of rules (`RULES` in its check module): each rule is
/// in the header's words, names a step of the check and known-bad programs that exist and say
/// `caught by:` that step; every known-bad program is some rule's.
fn rule_problems(workspace: &Workspace, exercise: &Exercise) -> Vec<String> {
    let name = exercise.name;
    let mut problems = Vec::new();
    if exercise.rules.is_empty() {
        problems.push(format!("{name}: its check has no table of rules (RULES)"));
    }
    let header = header_words(&read(&workspace.starter_file(exercise)));
    let programs = known_bad::list(workspace, exercise).expect("known-bad programs");
    // A class copy without solutions has no known-bad programs either: the table names them
    // all the same.
    let with_solutions = solutions::present(workspace);
    for rule in exercise.rules {
        let words = single_spaces(rule.rule);
        if !header.contains(&words) {
            problems.push(format!(
                "{name}: the rule {words:?} is not in the words of the starter's header"
            ));
        }
        if exercise.step_number(rule.step).is_none() {
            problems.push(format!(
                "{name}: the rule {words:?} names the step {}, which the check does not have",
                rule.step
            ));
        }
        if rule.known_bad.is_empty() {
            problems.push(format!(
                "{name}: the rule {words:?} has no known-bad program to prove it"
            ));
        }
        for bad in rule.known_bad {
            match programs.iter().find(|program| program.name == *bad) {
                None if !with_solutions => {}
                None => problems.push(format!(
                    "{name}: the rule {words:?} names known-bad/{bad}.rs, which does not exist"
                )),
                Some(program) if program.caught_by != rule.step => problems.push(format!(
                    "{name}: known-bad/{bad}.rs says `caught by: {}`, but its rule {words:?} \
                     is checked by the step {}",
                    program.caught_by, rule.step
                )),
                Some(_) => {}
            }
        }
    }
    for program in &programs {
        let proves = exercise
            .rules
            .iter()
            .any(|rule| rule.known_bad.contains(&program.name.as_str()));
        if !proves {
            problems.push(format!(
                "{name}: known-bad/{}.rs breaks no rule of the table (add it to a rule of RULES \
                 in crates/checks/src/ or crates/checks-concurrent/src/)",
                program.name
            ));
        }
    }
    problems
}

#[test]
fn every_rule_of_a_header_has_a_step_and_a_known_bad_program_and_every_known_bad_program_a_rule() {
    let workspace = workspace();
    let problems: Vec<String> = catalog::all()
        .iter()
        .flat_map(|exercise| rule_problems(&workspace, exercise))
        .collect();
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn a_rule_table_that_misses_a_program_or_names_a_missing_step_is_refused() {
    // The test above must be able to fail: a table with a wrong step, a program that does not
    // exist, and none at all for the real known-bad programs.
    static RULES: &[checker::Rule] = &[checker::Rule {
        rule: "reply `Hello, <message>!`",
        step: "no-such-step",
        known_bad: &["no-such-program"],
    }];
    let workspace = workspace();
    let real = checker::find("greet-server").expect("greet-server is an exercise");
    let exercise = Exercise {
        name: real.name,
        lesson: real.lesson,
        title: real.title.clone(),
        kind: real.kind,
        port: real.port,
        points: real.points,
        section: real.section.clone(),
        hints: real.hints.clone(),
        setup: real.setup,
        steps: real.steps,
        rules: RULES,
    };
    let problems = rule_problems(&workspace, &exercise).join("\n");
    assert!(problems.contains("the step no-such-step"), "{problems}");
    // A class copy without solutions has no known-bad programs: none can be missing or
    // unproved there.
    if solutions::present(&workspace) {
        assert!(
            problems.contains("no-such-program.rs, which does not exist"),
            "{problems}"
        );
        assert!(
            problems.contains("forgets-the-bang.rs breaks no rule"),
            "{problems}"
        );
    }
}
