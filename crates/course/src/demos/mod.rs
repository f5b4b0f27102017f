//! The demos, one module per lesson. To add one: write `lessonNN.rs` with a `pub const DEMO`,
//! and list it in [`ALL`]. Scenarios (named runs that lessons show) are listed in
//! [`SCENARIOS`]; they live in the module of the lesson that shows them.

use crate::demo::{Demo, Scenario};

mod lesson01;
mod lesson06;

/// Every demo, in lesson order.
pub const ALL: &[Demo] = &[lesson01::DEMO, lesson06::DEMO];

/// Every scenario a lesson shows with `<!-- output: scenario NAME -->`.
pub const SCENARIOS: &[Scenario] = &[
    lesson06::DELIMITER_IN_A_STRING,
    lesson06::BAD_CLIENTS,
    lesson06::TRACE,
];
