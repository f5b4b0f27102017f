//! The lessons tell the truth: every snippet in `lessons/*.md` is the current code of its
//! `ANCHOR` region, every shown output matches a fresh run (ports, times and durations aside),
//! every link and anchor leads somewhere, and every demo appears in its lesson.
//!
//! When this fails after a code change, run `cargo lessons --write` (or `just lessons`) and
//! read the diff: the lesson text around a changed snippet may need a new sentence too.

use testkit::bins;

use course::lessons::{Reruns, SLOW_OUTPUTS};

fn lessons_are_in_sync(reruns: Reruns) {
    let root = bins::workspace_root().expect("the course's workspace is found");
    let problems = course::lessons::check(&root, reruns)
        .expect("the lessons should be readable and their commands runnable");
    let report: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(report.is_empty(), "\n{}\n", report.join("\n\n"));
}

/// Every output but the few slow ones (`SLOW_OUTPUTS`), which the test below runs too.
#[test]
fn every_lesson_matches_the_code_and_a_fresh_run() {
    lessons_are_in_sync(Reruns::AllButSlow);
}

#[test]
#[ignore = "slow: reruns the outputs that start Chromium; `just test-stress` and CI run it"]
fn every_lesson_matches_the_code_and_a_fresh_run_of_every_output_even_the_slow_ones() {
    lessons_are_in_sync(Reruns::Every);
}

/// The text of every lesson (and of every other page the lessons' check reads).
fn every_lesson_text() -> Vec<String> {
    let root = bins::workspace_root().expect("the course's workspace is found");
    let documents = course::lessons::documents(&root).expect("the lessons can be listed");
    documents
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("a lesson can be read"))
        .collect()
}

#[test]
fn every_slow_output_is_shown_in_a_lesson() {
    let texts = every_lesson_text();
    for (command, _why) in SLOW_OUTPUTS {
        let marker = format!("<!-- output: {command} -->");
        assert!(
            texts.iter().any(|text| text.contains(&marker)),
            "SLOW_OUTPUTS names `{command}`, which no lesson shows: take it out of the list"
        );
    }
}

#[test]
fn every_demo_is_shown_in_its_lesson() {
    let root = bins::workspace_root().expect("the course's workspace is found");
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
    let texts = every_lesson_text();
    for scenario in course::demos::SCENARIOS {
        let marker = format!("<!-- output: scenario {} -->", scenario.name);
        assert!(
            texts.iter().any(|text| text.contains(&marker)),
            "no lesson shows scenario {} (add {marker})",
            scenario.name
        );
    }
}

#[test]
fn the_book_lists_every_page_of_lessons_and_nothing_else() {
    let root = bins::workspace_root().expect("the course's workspace is found");
    let summary = std::fs::read_to_string(root.join("book/SUMMARY.md"))
        .expect("book/SUMMARY.md, the book's table of contents, should exist");
    let listed: std::collections::BTreeSet<String> = summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(|target| target.split('#').next().unwrap_or(target).to_string())
        .filter(|target| target != "index.md")
        .collect();
    let pages: std::collections::BTreeSet<String> = std::fs::read_dir(root.join("lessons"))
        .expect("lessons/ can be listed")
        .map(|entry| entry.expect("a directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("lessons/{name}"))
        .collect();
    let missing: Vec<_> = pages.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&pages).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "book/SUMMARY.md should list every page of lessons/ once (the book shows only what \
         it lists): add {missing:?}, remove {extra:?}"
    );
}

#[test]
fn the_book_reaches_the_lessons_and_the_sources_through_its_two_links() {
    let root = bins::workspace_root().expect("the course's workspace is found");
    for (link, target) in [("book/lessons", "../lessons"), ("book/crates", "../crates")] {
        let read = std::fs::read_link(root.join(link)).unwrap_or_else(|error| {
            panic!("{link} should be a symbolic link to {target}: {error}")
        });
        assert_eq!(read, std::path::Path::new(target), "{link}");
    }
}

#[test]
fn every_lessons_main_path_is_at_most_500_lines() {
    // The budget of CONTRIBUTING.md: a lesson's main page (`NN-name.md`, not its Going deeper
    // page nor the side pages it links) fits in an hour; the rest goes to `-deeper.md`.
    let root = bins::workspace_root().expect("the course's workspace is found");
    let lessons = std::fs::read_dir(root.join("lessons")).expect("lessons/ is readable");
    let mut too_long = Vec::new();
    for entry in lessons {
        let path = entry.expect("a lesson file").path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let numbered = name.as_bytes().first().is_some_and(u8::is_ascii_digit);
        if !numbered || name.ends_with("-deeper.md") {
            continue;
        }
        let lines = std::fs::read_to_string(&path)
            .expect("a readable lesson")
            .lines()
            .count();
        if lines > 500 {
            too_long.push(format!("{name}: {lines} lines"));
        }
    }
    assert!(too_long.is_empty(), "over 500 lines: {too_long:?}");
}
