//! The demos, one module per lesson. To add one: write `lessonNN.rs` with a `pub const DEMO`,
//! and list it in [`ALL`]. Scenarios (named runs that lessons show) are listed in
//! [`SCENARIOS`]; they live in the module of the lesson that shows them.

use crate::demo::{Demo, Scenario};

mod lesson01;
mod lesson02;
mod lesson03;
mod lesson04;
mod lesson05;
mod lesson06;
mod lesson07;
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
    wiretap::TCP,
    wiretap::HEX,
    wiretap::CHUNK,
    wiretap::COALESCE,
    wiretap::RESET,
    wiretap::REFUSED,
    wiretap::UDP_DROP,
];
