//! How check results are shown: as text for a student (a mark per step, then the first failure
//! in detail), as JSON, or as JUnit XML for CI and grading tools.

use std::fmt::Write as _;

use serde_json::json;

use crate::Exercise;
use crate::runner::{Outcome, StepOutcome};
use contract::lab::Failure;

/// How many lines of the program's output a failure shows (the last ones).
const OUTPUT_LINES: usize = 15;

/// The first line of a check: `Checking greet-server (lesson 1: say hello to each client)`.
pub fn heading(exercise: &Exercise, binary: &str) -> String {
    format!(
        "Checking {binary} (lesson {}: {})",
        exercise.lesson, exercise.title
    )
}

/// One step's line: `  ✓ 1 answers one client`.
pub fn step_line(step: &StepOutcome) -> String {
    let mark = match step.failure {
        None => "✓",
        Some(_) => "✗",
    };
    format!("  {mark} {} {}", step.number, step.name)
}

/// What follows the step lines: the failure in detail, or the good news.
pub fn failure_text(outcome: &Outcome) -> String {
    let exercise = outcome.exercise;
    let mut text = String::new();
    if let Some(error) = &outcome.build_error {
        let _ = writeln!(text, "\n  Your program {error}");
        let _ = writeln!(text, "\n{}", stuck(exercise));
        return text;
    }
    let Some(step) = outcome.failed_step() else {
        let _ = writeln!(
            text,
            "\n  All {} steps pass. Well done!",
            exercise.steps.len()
        );
        return text;
    };
    let Some(failure) = &step.failure else {
        return text;
    };
    write_failure(&mut text, failure);
    write_output(&mut text, &step.output);
    if !failure.reproduce.is_empty() {
        let by_hand = outcome.target.by_hand(exercise);
        let mut commands = Vec::new();
        // A client exercise's commands run the program themselves, after its server.
        if !failure
            .reproduce
            .iter()
            .any(|command| command.contains(&by_hand))
        {
            commands.push(format!("{by_hand} --port {}", exercise.port));
        }
        commands.extend(failure.reproduce.iter().cloned());
        let terminals = match commands.len() {
            1 => "a terminal".to_string(),
            2 => "two terminals".to_string(),
            3 => "three terminals".to_string(),
            count => format!("{count} terminals"),
        };
        let _ = writeln!(text, "\n  To see it happen, in {terminals}:");
        for (index, command) in commands.iter().enumerate() {
            let _ = writeln!(text, "    {}: {command}", index + 1);
        }
    }
    let passed = step.number - 1;
    let _ = writeln!(
        text,
        "\n  {passed} of {} steps pass.\n{}",
        exercise.steps.len(),
        stuck(exercise)
    );
    text
}

fn write_failure(text: &mut String, failure: &Failure) {
    let _ = writeln!(text);
    for line in failure.problem.lines() {
        let _ = writeln!(text, "  {line}");
    }
    let rows = [
        ("sent:", &failure.sent),
        ("expected:", &failure.expected),
        ("received:", &failure.received),
    ];
    if rows.iter().any(|(_, value)| value.is_some()) {
        let _ = writeln!(text);
    }
    for (label, value) in rows {
        if let Some(value) = value {
            let _ = writeln!(text, "    {label:<10} {value}");
        }
    }
}

fn write_output(text: &mut String, output: &[String]) {
    if output.is_empty() {
        return;
    }
    let _ = writeln!(text, "\n  Your program printed:");
    let skipped = output.len().saturating_sub(OUTPUT_LINES);
    if skipped > 0 {
        let _ = writeln!(text, "    | ... ({skipped} lines before these)");
    }
    for line in &output[skipped..] {
        let _ = writeln!(text, "    | {line}");
    }
    if output
        .iter()
        .any(|line| line.contains("not yet implemented"))
    {
        let _ = writeln!(
            text,
            "  That panic is a `todo!()` of the starter: the part it marks is yours to write \
             (read the TODO comment above it)."
        );
    }
}

fn stuck(exercise: &Exercise) -> String {
    format!(
        "  Stuck? `cargo exercise hint {}` shows a hint (one more each time).\n  The lesson: {}",
        exercise.name, exercise.section
    )
}

/// Every outcome as one JSON document.
pub fn json(outcomes: &[Outcome]) -> String {
    let exercises: Vec<_> = outcomes
        .iter()
        .map(|outcome| {
            let steps: Vec<_> = outcome
                .steps
                .iter()
                .map(|step| {
                    json!({
                        "number": step.number,
                        "name": step.name,
                        "passed": step.failure.is_none(),
                        "seconds": step.duration.as_secs_f64(),
                    })
                })
                .collect();
            json!({
                "exercise": outcome.exercise.name,
                "lesson": outcome.exercise.lesson,
                "binary": outcome.target.binary(outcome.exercise),
                "passed": outcome.passed(),
                "status": outcome.status(),
                "steps_total": outcome.exercise.steps.len(),
                "steps": steps,
                "failure": (!outcome.passed()).then(|| failure_text(outcome)),
            })
        })
        .collect();
    let passed = outcomes.iter().filter(|outcome| outcome.passed()).count();
    let document = json!({
        "passed": passed,
        "total": outcomes.len(),
        "exercises": exercises,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// Every outcome as JUnit XML: one test suite per exercise, one test case per step (steps
/// after the first failure are skipped).
pub fn junit(outcomes: &[Outcome]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for outcome in outcomes {
        let exercise = outcome.exercise;
        let failures = usize::from(!outcome.passed());
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">",
            escape(exercise.name),
            exercise.steps.len().max(1)
        );
        if let Some(error) = &outcome.build_error {
            let _ = writeln!(
                xml,
                "    <testcase name=\"builds\"><failure message=\"does not compile\">{}</failure></testcase>",
                escape(error)
            );
        }
        for (index, step) in exercise.steps.iter().enumerate() {
            let name = escape(&format!("{} {}", index + 1, step.name));
            match outcome.steps.get(index) {
                Some(ran) if ran.failure.is_none() => {
                    let seconds = ran.duration.as_secs_f64();
                    let _ = writeln!(xml, "    <testcase name=\"{name}\" time=\"{seconds:.3}\"/>");
                }
                Some(ran) => {
                    let problem = ran.failure.as_ref().map_or("", |f| f.problem.as_str());
                    let _ = writeln!(
                        xml,
                        "    <testcase name=\"{name}\" time=\"{:.3}\"><failure message=\"{}\">{}</failure></testcase>",
                        ran.duration.as_secs_f64(),
                        escape(problem.lines().next().unwrap_or("")),
                        escape(&failure_text(outcome))
                    );
                }
                None => {
                    let _ = writeln!(xml, "    <testcase name=\"{name}\"><skipped/></testcase>");
                }
            }
        }
        let _ = writeln!(xml, "  </testsuite>");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// Text made safe inside XML attributes and elements.
fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            // Control characters other than tab and newline are not allowed in XML 1.0.
            c if c.is_control() && c != '\n' && c != '\t' => "\u{fffd}".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// `text` cut into lines of at most about 96 characters, each starting with `indent`. Lines of
/// `text` that start with four spaces are code (a hint that shows a few lines of Rust): they are
/// kept as they are; every other line is a paragraph, wrapped between words.
pub fn wrap(text: &str, indent: &str) -> String {
    text.split('\n')
        .map(|line| match line.starts_with("    ") {
            true => format!("{indent}{line}"),
            false => wrap_paragraph(line, indent),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn wrap_paragraph(text: &str, indent: &str) -> String {
    const WIDTH: usize = 96;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > WIDTH {
            lines.push(format!("{indent}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(format!("{indent}{line}"));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::{escape, wrap};

    #[test]
    fn wrap_cuts_between_words_and_indents() {
        let text = "word ".repeat(30);
        let wrapped = wrap(&text, "  ");
        assert!(
            wrapped
                .lines()
                .all(|line| line.len() <= 96 && line.starts_with("  word"))
        );
        assert_eq!(wrapped.split_whitespace().count(), 30);
    }

    #[test]
    fn wrap_keeps_code_lines_as_they_are() {
        let text = "Nearly:\n    loop {\n        read();\n    }";
        assert_eq!(
            wrap(text, "  "),
            "  Nearly:\n      loop {\n          read();\n      }"
        );
    }

    #[test]
    fn xml_escape_covers_markup_and_control_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(escape("bell\u{7}"), "bell\u{fffd}");
    }
}
