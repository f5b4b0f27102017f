//! The demos, one module per lesson. To add one: write `lessonNN.rs` with a `pub const DEMO`,
//! and list it in [`ALL`]. Scenarios (named runs that lessons show) are listed in
//! [`SCENARIOS`]; they live in the module of the lesson that shows them. [`find`], [`list`] and
//! [`scenario`] look them up; [`crate::demo`] runs them.

use std::fmt::Write as _;

use anyhow::{Context, Result};

use crate::demo::{self, Demo, Scenario};

mod lesson01;
mod lesson02;
mod lesson03;
mod lesson04;
mod lesson05;
mod lesson06;
mod lesson07;
mod lesson08;
mod lesson09;
mod lesson10;
mod lesson11;
mod wiretap;

/// Every demo, in lesson order.
pub const ALL: &[Demo] = &[
    lesson01::DEMO,
    lesson02::DEMO,
    lesson03::DEMO,
    lesson04::DEMO,
    lesson05::DEMO,
    lesson06::DEMO,
    lesson07::DEMO,
    lesson08::DEMO,
    lesson09::DEMO,
    lesson10::DEMO,
    lesson11::DEMO,
];

/// Every scenario a lesson shows with `<!-- output: scenario NAME -->`.
pub const SCENARIOS: &[Scenario] = &[
    lesson02::WRONG_ADDRESS,
    lesson02::TIME_IN_PIECES,
    lesson03::PYTHON_STYLE_CLIENT,
    lesson03::MISBEHAVING_CLIENTS,
    lesson04::UPPERCASE_IN_PIECES,
    lesson04::ID_CLIENT_STDIN_CLOSED,
    lesson04::ID_TRACE,
    lesson04::BOTH_WAIT,
    lesson05::STRINGS_CUT_ANY_WAY,
    lesson05::BROKEN_FRAMES,
    lesson05::STRINGS_THROUGH_WIRETAP,
    lesson06::DELIMITER_IN_A_STRING,
    lesson06::BAD_CLIENTS,
    lesson06::TRACE,
    lesson07::REORDER,
    lesson07::ODD_DATAGRAMS,
    lesson07::PORT_TAKEN,
    lesson08::POOL_FIFTH_CLIENT_WAITS,
    lesson08::POOL_TRICKLER,
    lesson08::COUNTS_IN_AN_ARC,
    lesson08::COUNTS_IN_A_REFCELL,
    lesson08::LOAD_CLIENT_THREADED,
    lesson09::SLOW_READER,
    lesson10::POLL_TRACE,
    lesson10::LAZY,
    lesson10::TOKIO_SLEEP,
    lesson10::BLOCKING_SLEEP,
    lesson11::BROWSER_REQUEST,
    lesson11::CURL_KEEP_ALIVE,
    lesson11::BY_HAND,
    lesson11::CLIMBING_OUT,
    lesson11::SLOW_HEADER,
    lesson11::GET_CHUNKED,
    wiretap::TCP,
    wiretap::HEX,
    wiretap::CHUNK,
    wiretap::COALESCE,
    wiretap::RESET,
    wiretap::REFUSED,
    wiretap::UDP_DROP,
];

/// The demo of lesson `number`, if there is one.
pub fn find(number: u8) -> Option<&'static Demo> {
    ALL.iter().find(|demo| demo.number == number)
}

/// What `cargo demo` prints without a number: the list of demos.
pub fn list() -> String {
    let mut text = String::from("Usage: cargo demo N   (or: just demo-N)\n\nDemos:\n");
    let width = ALL
        .iter()
        .map(|demo| demo.title.chars().count())
        .max()
        .unwrap_or(0);
    for demo in ALL {
        let (number, title, lesson) = (demo.number, demo.title, demo.lesson);
        let _ = writeln!(text, "  {number}  {title:<width$}  {lesson}");
    }
    text
}

/// Runs scenario `name` (from [`SCENARIOS`]) and returns its transcript.
pub fn scenario(name: &str) -> Result<String> {
    let scenario = SCENARIOS
        .iter()
        .find(|scenario| scenario.name == name)
        .with_context(|| format!("there is no scenario `{name}` in course::demos::SCENARIOS"))?;
    demo::run_scenario(scenario)
}
