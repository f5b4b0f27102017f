//! Check results as JUnit XML, the format GitLab, Jenkins and most CI tools read, written with
//! `quick-junit` (which counts the tests, failures, errors and skips itself, so they add up).
//!
//! The shape: `<testsuites>` with the totals; one `<testsuite>` per exercise (`tests`,
//! `failures`, `errors`, `skipped`, `time`); one `<testcase>` per step, whose `classname` is the
//! exercise (kv-server and kv-server-threads share step names) and `name` the step, with its
//! `time`. A step that fails is a `<failure>` with the report a student reads; the steps after
//! it are `<skipped>`. A program that does not compile is an `<error>` on its first step (the
//! compiler's messages), the other steps skipped; so is a failure of the checker itself, of
//! type `checker-error`. So a suite always has as many test cases as its exercise has steps.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::runner::{Outcome, Status};

use super::{failure_text, shown};

/// Every outcome as one JUnit XML document.
pub fn document(outcomes: &[Outcome]) -> String {
    let mut report = Report::new("cargo exercise");
    let mut time = Duration::ZERO;
    for outcome in outcomes {
        report.add_test_suite(suite(outcome));
        time += outcome.duration;
    }
    report.set_time(time);
    report.set_timestamp(chrono::Utc::now());
    // Writing to a String cannot fail, and every text in it went through `shown` first.
    report.to_string().unwrap_or_default()
}

/// The test suite of one exercise.
fn suite(outcome: &Outcome) -> TestSuite {
    let exercise = outcome.exercise;
    let mut suite = TestSuite::new(exercise.name);
    suite.set_time(outcome.duration);
    suite.add_property(("points", super::points(outcome.points()).as_str()));
    suite.add_property(("max-points", exercise.points.to_string().as_str()));
    let not_run = |why: &str| {
        let mut status = TestCaseStatus::skipped();
        status.set_message(why);
        status
    };
    for (index, step) in exercise.steps.iter().enumerate() {
        let ran = outcome.steps.get(index);
        let status = match (outcome.status(), ran) {
            (_, Some(ran)) if ran.failure.is_none() => TestCaseStatus::success(),
            (_, Some(ran)) => {
                let problem = ran.failure.as_ref().map_or("", |f| f.problem.as_str());
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status
                    .set_message(shown::line(problem.lines().next().unwrap_or_default()))
                    .set_type("step-failed")
                    .set_description(shown::text(&failure_text(outcome)));
                status
            }
            (Status::DoesNotCompile, None) if index == 0 => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                status
                    .set_message("the program does not compile")
                    .set_type("compile-error")
                    .set_description(shown::text(outcome.build_error.as_deref().unwrap_or("")));
                status
            }
            (Status::CheckerFailed, None) if index == outcome.steps.len() => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                status
                    .set_message("the checker itself failed: this says nothing of the program")
                    .set_type("checker-error")
                    .set_description(shown::text(outcome.checker_error.as_deref().unwrap_or("")));
                status
            }
            (Status::DoesNotCompile, None) => not_run("not run: the program does not compile"),
            (Status::CheckerFailed, None) => not_run("not run: the checker failed"),
            (_, None) => not_run("not run: an earlier step failed"),
        };
        let mut case = TestCase::new(format!("{} {}", index + 1, step.name), status);
        case.set_classname(exercise.name)
            .set_time(ran.map_or(Duration::ZERO, |ran| ran.duration));
        suite.add_test_case(case);
    }
    suite
}
