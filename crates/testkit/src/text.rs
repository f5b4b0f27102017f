//! Text helpers for comparing what programs print: [`normalize`] hides what changes from one
//! run to the next.

use std::sync::LazyLock;

use regex_lite::Regex;

/// Hides what legitimately changes between two runs: port numbers, times of day, HTTP dates,
/// durations, rates, memory in use and temporary paths. Trailing spaces are dropped too.
/// `listening on 127.0.0.1:40221 after 12.5 ms` becomes
/// `listening on 127.0.0.1:PORT after DURATION` (a unit test below shows it).
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
            // HTTP's dates: `Sat, 05 Dec 2026 21:21:05 GMT`.
            (
                r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT",
                "DATE",
            ),
            (r"\b\d+(?:\.\d+)? ?(?:[KMG]i?B|B|requests)/s\b", "RATE"),
            // Memory a process has in use (lesson 10's demo reads it from /proc).
            (r"\b\d+(?:\.\d+)? [KMG]iB in use\b", "SIZE in use"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_hides_the_port_and_the_duration() {
        let line = "listening on 127.0.0.1:40221 after 12.5 ms";
        assert_eq!(
            normalize(line),
            "listening on 127.0.0.1:PORT after DURATION"
        );
    }
}
