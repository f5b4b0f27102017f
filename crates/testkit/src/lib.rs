//! The test kit: what the lessons' black-box tests, the contract suite, the exercise checker
//! and the demo runner share to run the course's programs. It depends on little more than
//! std, so a lesson's tests compile as soon as it has.
//!
//! - [`procs`]: start a server and wait for its `listening on` line, read a program's output
//!   line by line with time limits, run a program to completion.
//! - [`probe`]: a client driven by hand, like `nc`, for testing how servers treat bad clients,
//!   and a one-connection fake server for testing how clients treat bad servers.
//! - [`python`]: find and run the Python programs of a lesson's interop tests, or skip them
//!   when `python3` is missing.
//! - [`bins`]: find the workspace (from the current directory, at run time), build its
//!   binaries and find them.
//! - [`text`]: [`text::normalize`] hides what changes between runs (ports, times, durations).

pub mod bins;
pub mod probe;
pub mod procs;
pub mod python;
pub mod text;
