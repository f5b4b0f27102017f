//! How check results are shown: as text for a student (a mark per step, then the first failure
//! in detail), as JSON ([`json`]) or JUnit XML ([`junit`]) for CI and grading tools, and as a
//! class roll-up ([`class`]). Every function here renders an [`Outcome`] it is given: nothing
//! here runs a check. Whatever the program printed is shown through [`shown`], so that no
//! report can be broken by it.

pub mod class;
pub mod json;
pub mod junit;
pub mod shown;

use std::fmt::Write as _;

use contract::lab::Failure;

use crate::Exercise;
use crate::runner::{Outcome, Printed, Status, StepOutcome, Target};

/// How many lines of what the program printed during the failing step a report shows (the
/// last ones).
pub const OUTPUT_LINES: usize = 15;

/// The first line of a check:
/// `Checking greet-server (lesson 1: say hello to each client): 10 points, 1.67 a step`.
pub fn heading(exercise: &Exercise, target: &Target) -> String {
    format!(
        "Checking {} (lesson {}: {}): {} points, {} a step",
        target.binary(exercise),
        exercise.lesson,
        exercise.title,
        exercise.points,
        points(exercise.step_share())
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

/// Points as a report shows them: `10`, `1.67`, `2.5`.
pub fn points(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

/// `earned of total points`: `6.67 of 10 points`.
pub fn points_line(outcome: &Outcome) -> String {
    format!(
        "{} of {} points",
        points(outcome.points()),
        outcome.exercise.points
    )
}

/// What follows the step lines: the failure in detail, or the good news.
pub fn failure_text(outcome: &Outcome) -> String {
    let exercise = outcome.exercise;
    let mut text = String::new();
    match outcome.status() {
        Status::CheckerFailed => {
            let error = outcome.checker_error.as_deref().unwrap_or_default();
            let _ = writeln!(
                text,
                "\n  The checker itself failed, not your program, so this says nothing about it:\n  {}",
                shown::text(error).replace('\n', "\n  ")
            );
            return text;
        }
        Status::DoesNotCompile => {
            write_compile_error(
                &mut text,
                outcome.build_error.as_deref().unwrap_or_default(),
            );
            let _ = writeln!(
                text,
                "\n  0 of {} points.\n{}",
                exercise.points,
                stuck(exercise)
            );
            return text;
        }
        Status::Passed => {
            let _ = writeln!(
                text,
                "\n  All {} steps pass: {}. Well done!",
                exercise.steps.len(),
                points_line(outcome)
            );
            return text;
        }
        Status::FailedAt(_) => {}
    }
    let Some(step) = outcome.failed_step() else {
        return text;
    };
    if let Some(failure) = &step.failure {
        write_failure(&mut text, failure);
    }
    write_printed(&mut text, &step.printed);
    write_reproduce(&mut text, &step.reproduce);
    let _ = writeln!(
        text,
        "\n  {} of {} steps pass: {}.\n{}",
        outcome.steps_passed(),
        exercise.steps.len(),
        points_line(outcome),
        stuck(exercise)
    );
    text
}

fn write_compile_error(text: &mut String, messages: &str) {
    if messages.trim().is_empty() {
        let _ = writeln!(
            text,
            "\n  Your program does not compile: cargo's messages are above."
        );
        return;
    }
    let _ = writeln!(
        text,
        "\n  Your program does not compile. The compiler says:"
    );
    for line in messages.trim_end().lines() {
        let _ = writeln!(text, "    | {}", shown::line(line));
    }
}

fn write_failure(text: &mut String, failure: &Failure) {
    let _ = writeln!(text);
    for line in failure.problem.lines() {
        let _ = writeln!(text, "  {}", shown::line(line));
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
            let _ = writeln!(text, "    {label:<10} {}", shown::text(value));
        }
    }
}

/// "Your program printed": what it printed during the failing step, the last
/// [`OUTPUT_LINES`] lines, each made safe to show.
fn write_printed(text: &mut String, printed: &Printed) {
    if printed.lines.is_empty() {
        return;
    }
    let _ = writeln!(text, "\n  Your program printed, during this step:");
    if printed.earlier > 0 {
        let _ = writeln!(
            text,
            "    | ({} earlier lines, printed before this step, left out)",
            printed.earlier
        );
    }
    let skipped = printed.lines.len().saturating_sub(OUTPUT_LINES);
    if skipped > 0 {
        let _ = writeln!(
            text,
            "    | ({skipped} lines of this step before these left out)"
        );
    }
    for line in &printed.lines[skipped..] {
        let _ = writeln!(text, "    | {}", shown::line(line));
    }
    if printed
        .lines
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

fn write_reproduce(text: &mut String, commands: &[String]) {
    if commands.is_empty() {
        return;
    }
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

fn stuck(exercise: &Exercise) -> String {
    format!(
        "  Stuck? `cargo exercise hint {}` shows a hint (one more each time).\n  The lesson: {}",
        exercise.name, exercise.section
    )
}

/// `text` cut into lines of at most about 96 characters, each starting with `indent`. Lines of
/// `text` that start with four spaces are code (a hint that shows a few lines of Rust): they are
/// kept as they are. The other lines are joined into paragraphs (an empty line ends one), each
/// wrapped between words, so that where a TOML string happens to break its lines never shows.
pub fn wrap(text: &str, indent: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut Vec<String>| {
        if !paragraph.is_empty() {
            out.push(wrap_paragraph(&paragraph.join(" "), indent));
            paragraph.clear();
        }
    };
    for line in text.split('\n') {
        if line.starts_with("    ") {
            flush(&mut paragraph, &mut out);
            out.push(format!("{indent}{line}"));
        } else if line.trim().is_empty() {
            flush(&mut paragraph, &mut out);
            out.push(String::new());
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut out);
    out.join("\n")
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
    use std::time::Duration;

    use contract::lab::Failure;

    use super::{failure_text, points, wrap};
    use crate::runner::{Outcome, Printed, StepOutcome, Target};

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
    fn wrap_joins_the_lines_of_a_paragraph_and_keeps_empty_lines() {
        // A hint's TOML breaks its lines where the file's width fell: the reader must not see it.
        let text = "What changes is\nthe accept loop.\n\nNext.";
        assert_eq!(
            wrap(text, "  "),
            "  What changes is the accept loop.\n\n  Next."
        );
    }

    #[test]
    fn points_are_shown_with_at_most_two_decimals() {
        assert_eq!(points(10.0), "10");
        assert_eq!(points(10.0 / 6.0), "1.67");
        assert_eq!(points(2.5), "2.5");
        assert_eq!(points(0.0), "0");
    }

    fn greet_server() -> &'static crate::Exercise {
        crate::find("greet-server").expect("greet-server is an exercise")
    }

    /// An outcome of greet-server whose step 2 failed after the program printed `printed`.
    fn failed_at_step_2(printed: Printed) -> Outcome {
        let exercise = greet_server();
        let step = |index: usize, failure: Option<Failure>, printed: Printed| StepOutcome {
            number: index + 1,
            id: exercise.steps[index].id,
            name: exercise.steps[index].name,
            duration: Duration::from_millis(5),
            failure,
            printed,
            reproduce: vec!["nc 127.0.0.1 50001".to_string()],
        };
        let mut outcome = Outcome::not_built(exercise, Target::Student, String::new());
        outcome.build_error = None;
        outcome.steps = vec![
            step(0, None, Printed::default()),
            step(1, Some(Failure::new("no reply came")), printed),
        ];
        outcome
    }

    #[test]
    fn a_failure_shows_only_what_the_program_printed_during_the_step() {
        let printed = Printed {
            lines: vec!["accepted connection from 127.0.0.1:5".to_string()],
            earlier: 3,
        };
        let text = failure_text(&failed_at_step_2(printed));
        assert!(
            text.contains(
                "  Your program printed, during this step:\n    | (3 earlier lines, printed before this step, left out)\n    | accepted connection from 127.0.0.1:5\n"
            ),
            "{text}"
        );
        let steps = greet_server().steps.len();
        let points = format!("{:.2}", 10.0 / steps as f64);
        assert!(
            text.contains(&format!(
                "  1 of {steps} steps pass: {points} of 10 points."
            )),
            "{text}"
        );
    }

    #[test]
    fn hostile_output_is_shown_escaped_and_cut() {
        let printed = Printed {
            lines: vec![
                "\u{1b}[2J\u{1b}[Hcleared".to_string(),
                "y".repeat(100_000),
                "\u{fffe}".to_string(),
            ],
            earlier: 0,
        };
        let text = failure_text(&failed_at_step_2(printed));
        assert!(text.contains("    | \\e[2J\\e[Hcleared\n"), "{text}");
        assert!(text.contains("(cut: 100000 characters in all)"), "{text}");
        assert!(text.contains("    | \\u{fffe}\n"), "{text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\u{fffe}'));
        assert!(text.len() < 2_000, "{} bytes", text.len());
    }

    #[test]
    fn a_file_that_does_not_compile_says_so_in_plain_words() {
        let outcome = Outcome::not_built(
            greet_server(),
            Target::Student,
            "error[E0308]: mismatched types".to_string(),
        );
        let text = failure_text(&outcome);
        assert!(
            text.contains(
                "  Your program does not compile. The compiler says:\n    | error[E0308]: mismatched types\n"
            ),
            "{text}"
        );
        assert!(!text.contains("Your program it"));
        let shown_above = Outcome::not_built(greet_server(), Target::Student, String::new());
        assert!(
            failure_text(&shown_above)
                .contains("  Your program does not compile: cargo's messages are above.\n")
        );
    }
}
