//! The grading workflow of a student's copy, `.github/workflows/grade.yml`, made from the
//! catalog: one GitHub Classroom test per exercise, worth the exercise's points. The file is
//! kept in the repository (GitHub reads it there); the course-wide test `workflows` fails, and
//! says what to write, when it no longer matches the catalog.

use std::fmt::Write as _;

use crate::catalog;

/// The text of `.github/workflows/grade.yml`.
pub fn workflow() -> String {
    let mut text = String::from(HEADER);
    for exercise in catalog::all() {
        let _ = write!(
            text,
            "      - name: {name} (lesson {lesson}, {points} points)
        id: {name}
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: {name}
          command: cargo exercise check {name}
          timeout: 5
          max-score: {points}
",
            name = exercise.name,
            lesson = exercise.lesson,
            points = exercise.points,
        );
    }
    text.push_str(
        "      - name: Report the points to GitHub Classroom
        if: ${{ !cancelled() }}
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
",
    );
    for exercise in catalog::all() {
        let _ = writeln!(
            text,
            "          {}_RESULTS: \"${{{{ steps.{}.outputs.result }}}}\"",
            exercise.name.to_uppercase(),
            exercise.name
        );
    }
    let names: Vec<&str> = catalog::all()
        .iter()
        .map(|exercise| exercise.name)
        .collect();
    let _ = writeln!(
        text,
        "        with:\n          runners: {}",
        names.join(",")
    );
    text.push_str(REPORTS);
    text
}

const HEADER: &str = r#"# Grading a student's copy of the course. Made from the exercises' catalog: don't edit by hand
# (the course-wide test `workflows` says what to write when an exercise changes).
#
# Job `classroom` feeds GitHub Classroom's dashboard: one test per exercise, `cargo exercise
# check NAME`, worth the exercise's points when every step passes. Job `reports` writes the
# same results as JUnit XML and JSON, for other platforms (GitLab, Jenkins) and for anyone who
# wants every step's result; they are kept as an artifact.
#
# Neither runs in the course's template repository (its exercises are the starters, which fail
# by design), nor for the commit GitHub Classroom's bot makes when it creates a student's copy.
# A push that changes no code (a lesson, the README) grades nothing.
name: Grade exercises

on:
  push:
    paths:
      - "crates/**"
      - "Cargo.toml"
      - "Cargo.lock"
      - ".cargo/**"
      - ".github/workflows/grade.yml"
  # GitHub Classroom asks for a grade this way.
  repository_dispatch:
  workflow_dispatch:

permissions:
  checks: write
  actions: read
  contents: read

concurrency:
  group: grade-${{ github.ref }}
  cancel-in-progress: true

jobs:
  classroom:
    if: ${{ !github.event.repository.is_template && github.actor != 'github-classroom[bot]' }}
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: dtolnay/rust-toolchain@stable
      # The target dir is kept between runs: a push rebuilds the student's programs, not the
      # course's dependencies (2 minutes cold).
      - uses: Swatinem/rust-cache@v2
      # The graders run each command with only PATH and HOME in its environment: build with the
      # same (rust-cache sets CARGO_INCREMENTAL=0, which would make the first test rebuild).
      - name: Build the checker
        run: env -i PATH="$PATH" HOME="$HOME" cargo build --package checker
"#;

const REPORTS: &str = r#"
  reports:
    if: ${{ !github.event.repository.is_template && github.actor != 'github-classroom[bot]' }}
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: dtolnay/rust-toolchain@stable
      - uses: Swatinem/rust-cache@v2
      # Exit status 1 means some exercise does not pass yet: the reports say which, and the job
      # stays green. Any other failure (3: the checker itself failed) fails the job.
      - name: Check every exercise
        run: |
          status=0
          cargo exercise check --all --junit exercise-results.xml --json exercise-results.json || status=$?
          test "$status" -le 1
      - name: Keep the reports
        if: ${{ !cancelled() }}
        uses: actions/upload-artifact@v4
        with:
          name: exercise-results
          path: |
            exercise-results.xml
            exercise-results.json
"#;
