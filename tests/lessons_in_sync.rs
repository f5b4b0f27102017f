//! The lessons tell the truth: every snippet in `lessons/*.md` is the current code of its
//! `ANCHOR` region, every shown output matches a fresh run (ports, times and durations aside),
//! every link and anchor leads somewhere, and every demo appears in its lesson.
//!
//! When this fails after a code change, run `cargo lessons --write` (or `just lessons`) and
//! read the diff: the lesson text around a changed snippet may need a new sentence too.

use course::bins;

#[test]
fn every_lesson_matches_the_code_and_a_fresh_run() {
    let problems = course::lessons::check(&bins::workspace_root())
        .expect("the lessons should be readable and their commands runnable");
    let report: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(report.is_empty(), "\n{}\n", report.join("\n\n"));
}

#[test]
fn every_demo_is_shown_in_its_lesson() {
    let root = bins::workspace_root();
    for demo in course::demos::ALL {
        let lesson = std::fs::read_to_string(root.join(demo.lesson))
            .unwrap_or_else(|error| panic!("demo {} names {}: {error}", demo.number, demo.lesson));
        let marker = format!("<!-- output: demo {} -->", demo.number);
        assert!(
            lesson.contains(&marker),
            "{} should show its demo's transcript under {marker}",
            demo.lesson
        );
    }
}

#[test]
fn every_scenario_is_shown_in_a_lesson() {
    let root = bins::workspace_root();
    let documents = course::lessons::documents(&root).expect("the lessons can be listed");
    let texts: Vec<String> = documents
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("a lesson can be read"))
        .collect();
    for scenario in course::demos::SCENARIOS {
        let marker = format!("<!-- output: scenario {} -->", scenario.name);
        assert!(
            texts.iter().any(|text| text.contains(&marker)),
            "no lesson shows scenario {} (add {marker})",
            scenario.name
        );
    }
}
