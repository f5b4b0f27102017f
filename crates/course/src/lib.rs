//! The course runner and the helpers that run the course's programs.
//!
//! - [`demo`] and [`demos`]: `cargo demo N` runs a lesson's server and client together and
//!   prints a labelled transcript.
//! - [`lessons`]: `cargo lessons` checks that the code and output shown in `lessons/*.md` match
//!   the code and a fresh run; `cargo lessons --write` regenerates them.
//! - [`procs`]: start a server and wait for its ready line, run a client with a time limit.
//!   The lessons' black-box tests use it too.
//! - [`probe`]: a client driven by hand, like `nc`, for testing how servers treat bad clients,
//!   and a one-connection fake server for testing how clients treat bad servers.
//! - [`python`]: find and run the Python programs of a lesson's interop tests, or skip them
//!   when `python3` is missing.
//! - [`tools`]: find programs nobody here wrote (curl, Chromium), or skip the tests that
//!   need them (fail them with `COURSE_REQUIRE_TOOLS=1`, as CI does).
//! - [`exercise`]: `cargo exercise` checks the programs students write, step by step.
//! - [`contract`]: the promises every server keeps, checked over every server.
//! - [`bins`]: build the lesson binaries and find them.

pub mod bins;
pub mod contract;
pub mod demo;
pub mod demos;
pub mod exercise;
pub mod lessons;
pub mod probe;
pub mod procs;
pub mod python;
pub mod tools;
