//! The steps of each exercise's check: one module per exercise of lessons 1-7 (`greet_server`,
//! ...; lessons 8-11's, with many clients at once, are in `checks-concurrent`), each with its
//! [`Check`]: its steps, with ids, and the table of the rules its starter states, each
//! with the step and the known-bad programs that prove it. The steps every server exercise
//! shares are in `contract::steps`; the program under test and the connections are
//! `contract::lab`'s.
//!
//! This crate only says *what* is checked. The checker (`crates/checker`, `cargo exercise`)
//! runs the steps, reports, records progress and grades; adding an exercise touches its
//! folder in `crates/exercises/`, a module here or in `checks-concurrent` (listed in the
//! checker's `catalog::CHECKS`) and its lesson section.

pub use contract::lab::{Failure, Lab, StepResult};

pub mod command_server;
pub mod count_server;
pub mod file_server;
pub mod greet_server;
pub mod kv_server;
pub mod rfc868_time_server;
pub mod udp_pinger;

/// What a check module declares about its exercise.
#[derive(Debug)]
pub struct Check {
    /// The exercise's name, also its folder: `greet-server`.
    pub name: &'static str,
    /// Its `exercise.toml`, compiled in (`include_str!`).
    pub info: &'static str,
    /// What to do before the first step (start helper programs, add options).
    pub setup: fn(&mut Lab) -> StepResult,
    /// The steps, in order.
    pub steps: &'static [Step],
    /// The rules of the starter's header: which step and known-bad programs prove each.
    pub rules: &'static [Rule],
}

/// One named step of a check.
#[derive(Debug)]
pub struct Step {
    /// A short name that never changes, which known-bad programs use to say which step
    /// catches them: `answers-one-client`.
    pub id: &'static str,
    /// What it checks, in words: `answers one client`.
    pub name: &'static str,
    /// The step itself.
    pub run: fn(&mut Lab) -> StepResult,
}

/// One rule that an exercise's starter states in its `//!` header (a format, an order, a limit,
/// a deadline, a name rule, a "never"), and how the check proves that it holds: the step that a
/// program breaking this rule, and only it, fails, and the known-bad programs that break it
/// (`cargo exercise verify` runs each and sees it fail at that step).
///
/// Each check module keeps its exercise's rules in a table, `RULES`: the audit of its header,
/// sentence by sentence. The course-wide test `exercises` checks the table against the files:
/// each rule's words are in the header, its step and its known-bad programs exist, each of
/// those programs says `caught by:` that step, and every known-bad program is some rule's.
#[derive(Debug)]
pub struct Rule {
    /// The rule in the header's own words (an excerpt, whitespace aside).
    pub rule: &'static str,
    /// The id of the step that catches a program breaking it.
    pub step: &'static str,
    /// The known-bad programs (`known-bad/NAME.rs`) that break it, and nothing else.
    pub known_bad: &'static [&'static str],
}

/// A setup that does nothing.
pub fn no_setup(_: &mut Lab) -> StepResult {
    Ok(())
}

/// How many characters of one line the checker's report shows: longer lines are cut, so advice
/// a step gives must fit (the checker's `report::shown` uses this).
pub const REPORT_LINE_LIMIT: usize = 300;
