//! Text helpers for comparing what programs print: [`normalize`] hides what changes from one
//! run to the next.

use std::sync::LazyLock;

use regex_lite::Regex;

/// Hides what legitimately changes between two runs: port numbers, times of day, durations,
/// rates and temporary paths. Trailing spaces are dropped too.
///
/// ```
/// let line = "listening on 127.0.0.1:40221 after 12.5 ms";
/// assert_eq!(testkit::text::normalize(line), "listening on 127.0.0.1:PORT after DURATION");
/// ```
pub fn normalize(text: &str) -> String {
    static RULES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
        [
            (
                r"(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]*\]|localhost):\d{1,5}",
                "$1:PORT",
            ),
            (r"\bport (\d{1,5})\b", "port PORT"),
            (r"--port \d{1,5}\b", "--port PORT"),
            (
                r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}",
                "TIME",
            ),
            (r"\b\d+(?:\.\d+)? ?(?:[KMG]i?B|B|requests)/s\b", "RATE"),
            (r"\b\d+(?:\.\d+)? ?(?:ns|µs|us|ms|s)\b", "DURATION"),
            (r"/tmp/[\w.-]+", "/tmp/TEMP"),
        ]
        .into_iter()
        // A pattern that does not compile is a bug in this file: fail at once and loudly
        // (the unit tests run every pattern), rather than skip a rule and hide a difference.
        .map(|(pattern, replacement)| (compile(pattern), replacement))
        .collect()
    });
    text.lines()
        .map(|line| {
            let mut line = line.trim_end().to_string();
            for (pattern, replacement) in RULES.iter() {
                line = pattern.replace_all(&line, *replacement).into_owned();
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The regular expression `pattern`, which is written in this file and must compile.
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern)
        .unwrap_or_else(|error| panic!("the pattern {pattern:?} in testkit::text: {error}"))
}
