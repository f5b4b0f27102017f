//! The workspace's crates depend on each other in one direction only (ARCHITECTURE.md's
//! bird's-eye view): `netlesson` at the bottom, then `testkit` (on `netlesson` only),
//! `contract`, `checker`; `course`
//! beside `checker`; a lesson crate on `netlesson` alone, its tests on `testkit` too. Read
//! from `cargo metadata`, so a new dependency that breaks the order fails here, with the line
//! to change. And every package, built alone, gets its dependencies with the features
//! `cargo test` gives them (`cargo tree`), so no command rebuilds what another built.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// The workspace crates each kind of crate may use (normal and dev dependencies together).
fn allowed(package: &str) -> &'static [&'static str] {
    match package {
        // Only for the features it asks for (ARCHITECTURE.md, "Build times").
        "netlesson" => &["workspace-hack"],
        "workspace-hack" => &[],
        // Its test client shows bytes as the lessons' `--trace` does (`netlesson::show`).
        "testkit" => &["netlesson"],
        "contract" => &["netlesson", "testkit"],
        "checks" => &["contract", "netlesson", "testkit"],
        "checks-concurrent" => &["checks", "contract", "netlesson", "testkit"],
        "checker" => &[
            "checks",
            "checks-concurrent",
            "contract",
            "netlesson",
            "testkit",
        ],
        "course" => &["netlesson", "testkit"],
        "exercises" => &["netlesson"],
        // The course-wide tests use everything.
        "course-tests" => &["checker", "contract", "course", "netlesson", "testkit"],
        // A lesson crate, and the wiretap tool: the library for the code, the kit for tests.
        _ => &["netlesson", "testkit"],
    }
}

/// Every workspace package and the workspace packages it depends on.
fn workspace_dependencies() -> BTreeMap<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "cargo metadata failed");
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata is JSON");
    let packages = metadata["packages"].as_array().expect("a list of packages");
    let names: Vec<&str> = packages
        .iter()
        .filter_map(|package| package["name"].as_str())
        .collect();
    packages
        .iter()
        .map(|package| {
            let name = package["name"].as_str().unwrap_or_default().to_string();
            let mut uses: Vec<String> = package["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|dependency| dependency["name"].as_str())
                .filter(|dependency| names.contains(dependency))
                .map(str::to_string)
                .collect();
            uses.sort();
            uses.dedup();
            (name, uses)
        })
        .collect()
}

#[test]
fn every_crate_depends_only_on_crates_below_it() {
    let mut wrong = Vec::new();
    for (package, uses) in workspace_dependencies() {
        for dependency in uses {
            if !allowed(&package).contains(&dependency.as_str()) {
                wrong.push(format!(
                    "{package} depends on {dependency}: remove it from its Cargo.toml (what it \
                     needs belongs in a crate below it), or change the order in ARCHITECTURE.md \
                     and tests/crates.rs if the design changed"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}\n", wrong.join("\n"));
}

#[test]
fn the_lessons_tests_do_not_wait_for_the_checker_to_compile() {
    let dependencies = workspace_dependencies();
    let testkit = &dependencies["testkit"];
    assert!(
        testkit.iter().all(|crate_name| crate_name == "netlesson"),
        "testkit must not depend on workspace crates other than netlesson (which every lesson \
         and so every lesson's tests need anyway), so that every lesson's tests compile early: \
         it uses {testkit:?}"
    );
}

/// `cargo tree ARGS` as lines `name vX.Y.Z [feature,...]`, the workspace's own crates left out.
fn resolved_features(args: &[&str]) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["tree", "--prefix", "none", "--format", "{p} [{f}]"])
        .args(args)
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| !line.contains("(/") && !line.contains("(\\"))
        .map(|line| line.replace(" (*)", "").replace(" (proc-macro)", ""))
        .collect()
}

#[test]
#[ignore = "slow: cargo tree for every package, 2 s of CPU; run it after changing a Cargo.toml (CI does)"]
fn every_package_alone_resolves_the_features_cargo_test_does() {
    // `cargo test`: every default member, with dev-dependencies.
    let whole = resolved_features(&["--edges", "normal,build,dev"]);
    let packages: Vec<String> = workspace_dependencies().into_keys().collect();
    let alone: Vec<(String, BTreeSet<String>)> = std::thread::scope(|scope| {
        let running: Vec<_> = packages
            .iter()
            .map(|package| {
                scope.spawn(move || {
                    let features =
                        resolved_features(&["--package", package, "--edges", "normal,build"]);
                    (package.clone(), features)
                })
            })
            .collect();
        running
            .into_iter()
            .map(|handle| handle.join().expect("cargo tree ran"))
            .collect()
    });
    let mut different = Vec::new();
    for (package, features) in alone {
        for line in features.difference(&whole) {
            let name = line.split(' ').next().unwrap_or_default();
            let in_test: Vec<&String> = whole
                .iter()
                .filter(|other| other.split(' ').next() == Some(name))
                .collect();
            different.push(format!(
                "`cargo build -p {package}` builds {line}, `cargo test` {in_test:?}: add {name} \
                 with the features of `cargo test` to crates/workspace-hack/Cargo.toml"
            ));
        }
    }
    assert!(different.is_empty(), "\n{}\n", different.join("\n"));
}

#[test]
fn no_dependency_is_compiled_in_two_versions() {
    // Two versions of one crate are two compilations on every first build (flate2 1.1.10 and
    // later use miniz_oxide 0.9 while png uses 0.8: Cargo.lock holds flate2 at 1.1.9).
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["tree", "--duplicates", "--edges", "normal,build,dev"])
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "cargo tree --duplicates failed");
    let duplicates = String::from_utf8_lossy(&output.stdout);
    assert!(
        duplicates.trim().is_empty(),
        "these crates are compiled in two versions: hold the crate that pulls the newer one at an \
         older release (`cargo update -p NAME --precise VERSION`), or raise the other:\n{duplicates}"
    );
}
