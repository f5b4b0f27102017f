//! Text helpers for comparing what programs print: [`normalize`] hides what changes from one
//! run to the next.

use std::sync::LazyLock;

use regex_lite::Regex;

/// Each rule of [`normalize`]: a pattern, what replaces it, and text that a line must contain for the
/// pattern to match. Checking that text first skips most patterns on most lines: the
/// patterns run unoptimized in tests, and were most of the lessons' check's own time.
static RULES: LazyLock<Vec<(Regex, &'static str, &'static str)>> = LazyLock::new(|| {
    [
        (
            r"(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]*\]|localhost):\d{1,5}",
            "$1:PORT",
            ":",
        ),
        (r"\bport (\d{1,5})\b", "port PORT", "port "),
        (r"--port \d{1,5}\b", "--port PORT", "--port "),
        (
            r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}",
            "TIME",
            ":",
        ),
        // HTTP's dates: `Sat, 05 Dec 2026 21:21:05 GMT`.
        (
            r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT",
            "DATE",
            " GMT",
        ),
        (
            r"\b\d+(?:\.\d+)? ?(?:[KMG]i?B|B|requests)/s\b",
            "RATE",
            "/s",
        ),
        // Memory a process has in use (lesson 10's demo reads it from /proc).
        (
            r"\b\d+(?:\.\d+)? [KMG]iB in use\b",
            "SIZE in use",
            "B in use",
        ),
        (r"\b\d+(?:\.\d+)? ?(?:ns|µs|us|ms|s)\b", "DURATION", "s"),
        // The one pattern without a digit.
        (r"/tmp/[\w.-]+", "/tmp/TEMP", TEMP_PATH),
    ]
    .into_iter()
    // A pattern that does not compile is a bug in this file: fail at once and loudly
    // (the unit tests run every pattern), rather than skip a rule and hide a difference.
    .map(|(pattern, replacement, needs)| (compile(pattern), replacement, needs))
    .collect()
});

/// Hides what legitimately changes between two runs: port numbers, times of day, HTTP dates,
/// durations, rates, memory in use and temporary paths. Trailing spaces are dropped too.
/// `listening on 127.0.0.1:40221 after 12.5 ms` becomes
/// `listening on 127.0.0.1:PORT after DURATION` (a unit test below shows it).
pub fn normalize(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut line = line.trim_end().to_string();
            for (pattern, replacement, needs) in RULES.iter() {
                if line.contains(needs) && (*needs == TEMP_PATH || has_digit(&line)) {
                    line = pattern.replace_all(&line, *replacement).into_owned();
                }
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where temporary files are: the only rule of [`normalize`] whose pattern has no digit.
const TEMP_PATH: &str = "/tmp/";

fn has_digit(line: &str) -> bool {
    line.bytes().any(|byte| byte.is_ascii_digit())
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

    /// The text a rule needs before its pattern runs never hides a match: on a line each
    /// pattern matches, `normalize` gives what running every pattern gives.
    #[test]
    fn the_quick_test_before_each_pattern_skips_no_match() {
        let lines = [
            "listening on [::1]:5000 and localhost:80, port 4000, --port 40221",
            "at Wed Jan 29 19:14:15 2014",
            "Date: Sat, 05 Dec 2026 21:21:05 GMT",
            "throughput: 24271 requests/s, 317 MiB/s, 12 B/s",
            "memory: 3.5 MiB in use",
            "took 250ms, 2.5 s, 7 µs and 9us",
            "saved /tmp/image-1.png",
        ];
        for line in lines {
            let every_pattern = RULES.iter().fold(line.to_string(), |line, rule| {
                rule.0.replace_all(&line, rule.1).into_owned()
            });
            assert_ne!(every_pattern, line, "no pattern matches {line:?}");
            assert_eq!(normalize(line), every_pattern, "{line:?}");
        }
    }
}
