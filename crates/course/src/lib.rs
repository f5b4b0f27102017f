//! The course runner: `cargo demo N` runs a lesson's server and client together and prints a
//! labelled transcript, and `cargo lessons` keeps the lessons in sync with the code.
//!
//! - [`demo`] and [`demos`]: the demo machinery, and the demos and scenarios themselves.
//! - [`lessons`]: checks that the code and output shown in `lessons/*.md` match the code and a
//!   fresh run; `cargo lessons --write` regenerates them.
//!
//! It runs the course's programs with the `testkit` crate. The exercise checker behind
//! `cargo exercise` is the crate `checker`.

pub mod book;
pub mod demo;
pub mod demos;
pub mod lessons;
