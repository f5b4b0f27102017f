//! The reports tools read: the JUnit XML is well-formed for a real XML parser (roxmltree, not
//! the library that writes it) whatever the program printed, follows the JUnit schema's rules
//! (required attributes, counts that add up), and the JSON carries its schema version, points
//! and a time stamp.

use std::time::Duration;

use checker::report::{json, junit};
use checker::runner::{Outcome, Printed, StepOutcome, Target};
use checker::{Exercise, Failure};

fn exercise(name: &str) -> &'static Exercise {
    checker::find(name).expect("an exercise")
}

/// Output no report may pass on raw: an ANSI escape that clears the screen, NUL, the
/// noncharacters U+FFFE and U+FFFF, a bidi override, and a line of 100 000 characters.
fn hostile_lines() -> Vec<String> {
    vec![
        "\u{1b}[2J\u{1b}[Hthe screen is gone".to_string(),
        "nul \u{0} bell \u{7}".to_string(),
        "nonchar \u{fffe} \u{ffff}".to_string(),
        "bidi \u{202e}txet".to_string(),
        "z".repeat(100_000),
    ]
}

/// An outcome of `name` whose first `passed` steps passed and, if `failed`, the next failed.
fn outcome(name: &str, passed: usize, failed: bool) -> Outcome {
    let exercise = exercise(name);
    let mut outcome = Outcome::not_built(exercise, Target::Student, String::new());
    outcome.build_error = None;
    let count = passed + usize::from(failed);
    for (index, step) in exercise.steps.iter().take(count).enumerate() {
        let failure = (index == passed).then(|| {
            let mut failure = Failure::new("no reply came \u{fffe}\u{1b}[31m");
            failure.received = Some("\"\\u{0}\" \u{ffff}".to_string());
            failure
        });
        outcome.steps.push(StepOutcome {
            number: index + 1,
            id: step.id,
            name: step.name,
            duration: Duration::from_millis(20),
            printed: match failure {
                Some(_) => Printed {
                    lines: hostile_lines(),
                    earlier: 2,
                },
                None => Printed::default(),
            },
            reproduce: Vec::new(),
            failure,
        });
    }
    outcome.duration = Duration::from_millis(20 * count as u64);
    outcome
}

/// One of each: passed, failed at step 3, does not compile, the checker failed.
fn outcomes() -> Vec<Outcome> {
    let steps = |name: &str| exercise(name).steps.len();
    let mut does_not_compile = Outcome::not_built(
        exercise("count-server"),
        Target::Student,
        "error[E0308]: mismatched types \u{ffff}\u{1b}[0m".to_string(),
    );
    does_not_compile.duration = Duration::ZERO;
    let mut checker_failed = outcome("udp-pinger", 1, false);
    checker_failed.checker_error = Some("step 2: could not start udp-server".to_string());
    vec![
        outcome("greet-server", steps("greet-server"), false),
        outcome("kv-server", 2, true),
        does_not_compile,
        checker_failed,
        outcome("kv-server-threads", 2, true),
    ]
}

fn number(node: roxmltree::Node, attribute: &str) -> usize {
    node.attribute(attribute)
        .unwrap_or_else(|| panic!("<{}> has no {attribute}", node.tag_name().name()))
        .parse()
        .unwrap_or_else(|_| panic!("{attribute} is not a count"))
}

fn seconds(node: roxmltree::Node) -> f64 {
    node.attribute("time")
        .unwrap_or_else(|| panic!("<{}> has no time", node.tag_name().name()))
        .parse()
        .expect("time is a number of seconds")
}

#[test]
fn junit_is_valid_xml_whose_counts_add_up_whatever_the_program_printed() {
    let outcomes = outcomes();
    let xml = junit::document(&outcomes);
    let document = roxmltree::Document::parse(&xml)
        .unwrap_or_else(|error| panic!("not well-formed XML: {error}\n{xml}"));
    for forbidden in [
        '\u{fffe}', '\u{ffff}', '\u{0}', '\u{1b}', '\u{7}', '\u{202e}',
    ] {
        assert!(!xml.contains(forbidden), "{forbidden:?} in the report");
    }
    assert!(
        xml.len() < 60_000,
        "{} bytes: the long line was not cut",
        xml.len()
    );

    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|node| node.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), outcomes.len());
    let mut totals = [0; 4];
    for (suite, outcome) in suites.iter().zip(&outcomes) {
        let exercise = outcome.exercise;
        assert_eq!(suite.attribute("name"), Some(exercise.name));
        seconds(*suite);
        let cases: Vec<_> = suite
            .children()
            .filter(|node| node.has_tag_name("testcase"))
            .collect();
        let count = |tag: &str| {
            cases
                .iter()
                .filter(|case| case.children().any(|child| child.has_tag_name(tag)))
                .count()
        };
        let counts = [
            cases.len(),
            count("failure"),
            count("error"),
            count("skipped"),
        ];
        let attributes = [
            number(*suite, "tests"),
            number(*suite, "failures"),
            number(*suite, "errors"),
            number(*suite, "skipped"),
        ];
        assert_eq!(attributes, counts, "{}: counts", exercise.name);
        assert_eq!(cases.len(), exercise.steps.len(), "{}", exercise.name);
        for (index, case) in cases.iter().enumerate() {
            assert_eq!(case.attribute("classname"), Some(exercise.name));
            let name = case.attribute("name").expect("a test case has a name");
            assert_eq!(
                name,
                format!("{} {}", index + 1, exercise.steps[index].name)
            );
            seconds(*case);
        }
        for (total, value) in totals.iter_mut().zip(counts) {
            *total += value;
        }
    }
    let root_counts = [
        number(root, "tests"),
        number(root, "failures"),
        number(root, "errors"),
        number(root, "skipped"),
    ];
    assert_eq!(root_counts, totals, "<testsuites> totals");
    // kv-server and kv-server-threads failed a step; count-server does not compile and the
    // checker failed on udp-pinger: two failures, two errors.
    assert_eq!(root_counts[1], 2);
    assert_eq!(root_counts[2], 2);
    let error_types: Vec<&str> = document
        .descendants()
        .filter(|node| node.has_tag_name("error"))
        .filter_map(|node| node.attribute("type"))
        .collect();
    assert_eq!(error_types, ["compile-error", "checker-error"]);
}

#[test]
fn json_has_a_schema_version_points_and_a_time_stamp() {
    let outcomes = outcomes();
    let text = json::to_text(&json::document(&outcomes));
    let document: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(document["schema_version"], json::SCHEMA_VERSION);
    let stamp = document["generated_at"].as_str().expect("a time stamp");
    assert!(
        stamp.len() == 20 && stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T',
        "{stamp}"
    );
    assert_eq!(document["total"], 5);
    assert_eq!(document["passed"], 1);
    let greet = &document["exercises"][0];
    assert_eq!(greet["status"], "passed");
    assert_eq!(greet["points"], 10.0);
    assert_eq!(greet["max_points"], 10);
    // Each step's share of greet-server's 10 points, rounded to hundredths as the report does.
    let greet_steps = checker::find("greet-server")
        .expect("greet-server")
        .steps
        .len();
    let share = (1000.0 / greet_steps as f64).round() / 100.0;
    assert_eq!(greet["steps"][0]["points"], share);
    let kv = &document["exercises"][1];
    assert_eq!(kv["status"], "failed");
    assert_eq!(kv["steps_passed"], 2);
    assert_eq!(kv["points"], 1.25, "2 of 16 steps of 10 points");
    assert_eq!(kv["steps"][2]["status"], "failed");
    assert_eq!(kv["steps"][3]["status"], "not-run");
    assert_eq!(document["exercises"][2]["status"], "does-not-compile");
    assert_eq!(document["exercises"][3]["status"], "checker-error");
    let failure = kv["failure"].as_str().expect("the failure's report");
    assert!(
        failure.contains("\\e[2J\\e[Hthe screen is gone"),
        "{failure}"
    );
    assert!(!failure.contains('\u{1b}'));
}
