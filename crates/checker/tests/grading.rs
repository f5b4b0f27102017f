//! Grading scenarios on real copies of the course, as an instructor and students make them.
//! Each takes minutes (every copy builds its exercises, and `cargo exercise` in a new copy
//! rebuilds the checker), so they are `#[ignore]`d by `cargo test` and run by `.ci/run`:
//!
//! ```text
//! cargo test --package checker --test checker grading:: -- --ignored --test-threads 1
//! ```
//!
//! The copies share one target dir (the course's own), as an instructor's would. They are
//! made from the files git knows in this checkout, in a temporary folder removed at the end.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;
use predicates::prelude::*;
use serde_json::Value;

/// The root of this checkout.
fn course() -> PathBuf {
    testkit::bins::workspace_root().expect("the course's workspace")
}

/// The target dir every copy shares: this checkout's.
fn shared_target() -> PathBuf {
    checker::compile::target_dir().expect("the target dir")
}

/// A folder for this test's copies, removed when dropped.
struct Class {
    dir: PathBuf,
}

impl Class {
    fn new(name: &str) -> Class {
        let dir = std::env::temp_dir().join(format!("grading-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        Class { dir }
    }

    /// A copy of the course (the files git knows), named `name`.
    fn copy(&self, name: &str) -> PathBuf {
        let copy = self.dir.join(name);
        let output = Command::new("git")
            .args([
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ])
            .current_dir(course())
            .output()
            .expect("git runs");
        assert!(output.status.success(), "git ls-files failed");
        for file in output.stdout.split(|byte| *byte == 0) {
            if file.is_empty() {
                continue;
            }
            let relative = Path::new(std::str::from_utf8(file).expect("a UTF-8 path"));
            let from = course().join(relative);
            if !from.is_file() {
                continue; // deleted in the work tree, not yet in git
            }
            let to = copy.join(relative);
            std::fs::create_dir_all(to.parent().expect("a folder")).expect("a folder");
            std::fs::copy(&from, &to).expect("a copied file");
        }
        copy
    }
}

impl Drop for Class {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The exercises' names, in lesson order.
fn names() -> Vec<&'static str> {
    checker::catalog::all().iter().map(|e| e.name).collect()
}

/// Copies the reference solution over the student's file of each of `exercises`.
fn solve(copy: &Path, exercises: &[&str]) {
    for name in exercises {
        let folder = copy.join("crates/exercises").join(name);
        std::fs::copy(
            folder.join("solution.rs"),
            folder.join(format!("{name}.rs")),
        )
        .expect("the solution copied");
    }
}

/// Writes a student's file that does not compile.
fn break_file(copy: &Path, name: &str) {
    let file = copy.join(format!("crates/exercises/{name}/{name}.rs"));
    std::fs::write(file, "fn main() { let broken: u32 = \"not a number\"; }\n")
        .expect("the file written");
}

/// `cargo exercise ARGS` in `copy`, with the shared target dir.
fn exercise(copy: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(testkit::bins::cargo());
    command
        .arg("exercise")
        .args(args)
        .current_dir(copy)
        .env("CARGO_TARGET_DIR", shared_target())
        .env_remove("EXERCISE_COPY_FINGERPRINT");
    command
}

/// `cargo exercise check --all --format json` in `copy`: each exercise's status.
fn statuses(copy: &Path) -> Vec<(String, String)> {
    let output = exercise(copy, &["check", "--all", "--format", "json"])
        .output()
        .expect("cargo exercise runs");
    let document: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "not JSON ({error}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(document["schema_version"], 1);
    document["exercises"]
        .as_array()
        .expect("exercises")
        .iter()
        .map(|entry| {
            (
                entry["exercise"].as_str().unwrap_or_default().to_string(),
                entry["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// What copies a (all solved), b (the first four solved) and c (greet-server does not
/// compile) must get.
fn expected(copy: &str) -> Vec<(String, String)> {
    names()
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let status = match (copy, index) {
                ("a", _) => "passed",
                ("b", 0..4) => "passed",
                ("c", 0) => "does-not-compile",
                _ => "failed",
            };
            (name.to_string(), status.to_string())
        })
        .collect()
}

/// Sets the times of every file of `copy`'s exercises to now: they look newer than any build.
fn touch(copy: &Path) {
    let status = Command::new("find")
        .arg(copy.join("crates/exercises"))
        .args(["-type", "f", "-exec", "touch", "{}", "+"])
        .status()
        .expect("find runs");
    assert!(status.success());
}

#[test]
#[ignore = "slow: builds three copies of the course; run by .ci/run"]
fn copies_sharing_a_target_dir_each_get_their_own_result_in_any_order() {
    let class = Class::new("orders");
    let a = class.copy("a");
    let b = class.copy("b");
    let c = class.copy("c");
    solve(&a, &names());
    solve(&b, &names()[..4]);
    break_file(&c, "greet-server");
    for (name, copy) in [("a", &a), ("b", &b), ("c", &c)] {
        assert_eq!(statuses(copy), expected(name), "copy {name}, order a, b, c");
    }
    // c's files now newer than every build, a's and b's older: what fooled cargo before.
    touch(&c);
    for (name, copy) in [("c", &c), ("a", &a), ("b", &b)] {
        assert_eq!(statuses(copy), expected(name), "copy {name}, order c, a, b");
    }

    // The solution is shown once the exercise passes, and not before.
    exercise(&a, &["solution", "greet-server"])
        .assert()
        .success()
        .stdout(predicate::str::contains("solution.rs"));
    exercise(&c, &["solution", "rfc868-time-server"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("once your program passes"));

    // A moved copy acts on its own files.
    let moved = class.dir.join("b-moved");
    std::fs::rename(&b, &moved).expect("b moved");
    exercise(&moved, &["check", "greet-server"])
        .assert()
        .success();
    exercise(&moved, &[])
        .assert()
        .success()
        .stdout(predicate::str::contains("missing").not());

    // `reset` in a copy of a copy leaves the first copy alone.
    let copied = class.copy("b2");
    solve(&copied, &["greet-server"]);
    exercise(&copied, &["reset", "greet-server", "--yes"])
        .assert()
        .success();
    let file = |copy: &Path| {
        std::fs::read(copy.join("crates/exercises/greet-server/greet-server.rs")).expect("read")
    };
    let starter =
        std::fs::read(moved.join("crates/exercises/greet-server/starter.rs")).expect("the starter");
    let solution = std::fs::read(moved.join("crates/exercises/greet-server/solution.rs"))
        .expect("the solution");
    assert_eq!(
        file(&copied),
        starter,
        "the copy's file is the starter again"
    );
    assert_eq!(file(&moved), solution, "the first copy's file is untouched");
}

#[test]
#[ignore = "slow: grades three copies of the course; run by .ci/run"]
fn grade_rolls_up_a_class_into_csv_and_json() {
    let class = Class::new("grade");
    let students = class.dir.join("students");
    std::fs::create_dir_all(&students).expect("a folder");
    let a = class.copy("students/a");
    let b = class.copy("students/b");
    let c = class.copy("students/c");
    solve(&a, &names());
    solve(&b, &names()[..4]);
    break_file(&c, "greet-server");
    let out = class.dir.join("out");
    Command::new(testkit::bins::cargo())
        .args(["exercise", "grade"])
        .arg(&students)
        .arg("--out")
        .arg(&out)
        .current_dir(course())
        .assert()
        .success()
        .stdout(predicate::str::contains("CE"));
    let csv = std::fs::read_to_string(out.join("grades.csv")).expect("grades.csv");
    let rows: Vec<Vec<&str>> = csv.lines().map(|line| line.split(',').collect()).collect();
    assert_eq!(rows.len(), 4, "{csv}");
    let total = |row: &Vec<&str>| row[row.len() - 2].to_string();
    let points = |exercises: &[checker::Exercise]| -> u32 {
        exercises.iter().map(|exercise| exercise.points).sum()
    };
    let all = checker::catalog::all();
    assert_eq!(rows[1][0], "a");
    assert_eq!(total(&rows[1]), points(all).to_string());
    assert_eq!(total(&rows[2]), points(&all[..4]).to_string());
    assert_eq!(total(&rows[3]), "0");
    assert_eq!(rows[3][1], "does not compile");
    let greet_steps = checker::find("greet-server")
        .expect("greet-server")
        .steps
        .len();
    assert_eq!(rows[2][1], format!("{greet_steps}/{greet_steps}"));

    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("grades.json")).expect("grades.json"),
    )
    .expect("JSON");
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["max_points"], points(all));
    let copies = json["copies"].as_array().expect("copies");
    let greet = |copy: usize| &copies[copy]["exercises"][0];
    assert_eq!(greet(0)["file"]["same_as_solution"], true);
    assert_eq!(greet(0)["points"], 10.0);
    assert_eq!(copies[1]["exercises"][5]["file"]["same_as_starter"], true);
    assert_eq!(greet(2)["status"], "does-not-compile");
    assert!(
        greet(2)["file"]["sha256"]
            .as_str()
            .is_some_and(|hash| hash.len() == 64)
    );
    assert!(copies.iter().all(|copy| copy["error"].is_null()));
}

#[test]
#[ignore = "slow: checks a solved copy as its CI does; run by .ci/run"]
fn a_solved_copy_is_green_under_what_its_ci_runs() {
    let class = Class::new("green");
    let copy = class.copy("solved");
    solve(&copy, &names());
    // What .github/workflows/grade.yml runs: one check per exercise (Classroom), then every
    // exercise with the reports (the other job).
    for name in names() {
        exercise(&copy, &["check", name]).assert().success();
    }
    let junit = class.dir.join("exercise-results.xml");
    let json = class.dir.join("exercise-results.json");
    exercise(&copy, &["check", "--all"])
        .arg("--junit")
        .arg(&junit)
        .arg("--json")
        .arg(&json)
        .assert()
        .success();
    let xml = std::fs::read_to_string(&junit).expect("the JUnit report");
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!(root.attribute("failures"), Some("0"));
    assert_eq!(root.attribute("errors"), Some("0"));
    // And the course's own CI does not run there (the workflow's guard, tested in `workflows`).
}

#[test]
#[ignore = "slow: builds a copy without solutions; run by .ci/run"]
fn a_copy_without_solutions_works_for_a_student() {
    let class = Class::new("stripped");
    let copy = class.copy("stripped");
    exercise(&copy, &["remove-solutions"]).assert().code(2);
    exercise(&copy, &["remove-solutions", "--yes"])
        .assert()
        .success();
    let exercises = copy.join("crates/exercises");
    for name in names() {
        assert!(!exercises.join(name).join("solution.rs").exists());
        assert!(!exercises.join(name).join("known-bad").exists());
    }
    let manifest = std::fs::read_to_string(exercises.join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        manifest.contains("# greet-server (lesson 1)"),
        "comments kept"
    );
    let manifest: toml::Table = toml::from_str(&manifest).expect("valid TOML");
    let bins: Vec<&str> = manifest["bin"]
        .as_array()
        .expect("[[bin]] entries")
        .iter()
        .filter_map(|bin| bin.get("name")?.as_str())
        .collect();
    assert_eq!(bins.len(), 2 * names().len(), "{bins:?}");
    assert!(
        bins.iter()
            .all(|bin| !bin.ends_with("-solution") && !bin.contains("-known-bad-")),
        "{bins:?}"
    );

    exercise(&copy, &[]).assert().success();
    exercise(&copy, &["hint", "greet-server"])
        .assert()
        .success();
    exercise(&copy, &["check", "greet-server"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "0 of {} steps pass",
            checker::find("greet-server")
                .expect("greet-server")
                .steps
                .len()
        )));
    exercise(&copy, &["solution", "greet-server", "--anyway"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no reference solutions"));
    exercise(&copy, &["verify"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "verify needs the reference solutions",
        ));
    exercise(&copy, &["reset", "greet-server", "--yes"])
        .assert()
        .success();
    // Every program left builds: build.rs has nothing to generate, and does not panic.
    Command::new(testkit::bins::cargo())
        .args(["build", "--package", "exercises", "--bins"])
        .current_dir(&copy)
        .env("CARGO_TARGET_DIR", shared_target())
        .assert()
        .success();
    // The course-wide test that every exercise is complete holds without solutions.
    Command::new(testkit::bins::cargo())
        .args(["test", "--test", "main", "exercises::"])
        .current_dir(&copy)
        .env("CARGO_TARGET_DIR", shared_target())
        .assert()
        .success();
}
