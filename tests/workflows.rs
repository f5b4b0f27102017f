//! The GitHub workflows: the grading workflow of a student's copy matches the catalog (one
//! Classroom test per exercise, worth its points), and the course's own CI runs only in the
//! template repository. (`.ci/run` also checks every workflow with actionlint.)

use std::path::PathBuf;

use checker::workspace::Workspace;

fn workflow_file(name: &str) -> PathBuf {
    Workspace::find()
        .expect("the course's workspace is found")
        .root()
        .join(".github/workflows")
        .join(name)
}

#[test]
fn the_grading_workflow_has_one_classroom_test_per_exercise_worth_its_points() {
    let path = workflow_file("grade.yml");
    let found = std::fs::read_to_string(&path).unwrap_or_default();
    let wanted = checker::classroom::workflow();
    if found != wanted {
        let expected = Workspace::find()
            .expect("the workspace")
            .root()
            .join("target/grade.yml.expected");
        let _ = std::fs::create_dir_all(expected.parent().expect("a folder"));
        std::fs::write(&expected, &wanted).expect("target/ is writable");
        panic!(
            "{} does not match the exercises' catalog; the right text is in {}:\n  cp {} {}",
            path.display(),
            expected.display(),
            expected.display(),
            path.display()
        );
    }
    for exercise in checker::catalog::all() {
        assert!(found.contains(&format!(
            "command: cargo exercise check {}\n          timeout: 5\n          max-score: {}\n",
            exercise.name, exercise.points
        )));
    }
}

#[test]
fn the_course_ci_runs_only_in_the_template_repository() {
    let text = std::fs::read_to_string(workflow_file("ci.yml")).expect("ci.yml exists");
    assert!(
        text.contains("    if: ${{ github.event.repository.is_template }}\n"),
        "ci.yml's job must be guarded by `if: ${{{{ github.event.repository.is_template }}}}`"
    );
}
