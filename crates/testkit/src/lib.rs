//! The test kit: what the lessons' black-box tests, the contract suite, the exercise checker
//! and the demo runner share to run the course's programs. It depends on little more than
//! std, so a lesson's tests compile as soon as it has.
//!
//! - [`procs`]: start a server and wait for its `listening on` line, read a program's output
//!   line by line with time limits, run a program to completion.
//! - [`client`]: the one TCP test client, [`client::Conn`], driven by hand like `nc`, which
//!   records every byte for the failure it reports: for testing how servers treat good and
//!   bad clients.
//! - [`probe`]: the other side, a one-connection fake server for testing how clients treat bad
//!   servers, and ports where nothing listens.
//! - [`contain`]: a program under test runs in a process group of its own, killed whole, and
//!   what is kept of its output is bounded.
//! - [`python`]: find and run the Python programs of a lesson's interop tests, or skip them
//!   when `python3` is missing.
//! - [`bins`]: find the workspace (from the current directory, at run time), build its
//!   binaries and find them.
//! - [`text`]: [`text::normalize`] hides what changes between runs (ports, times, durations).

pub mod bins;
pub mod client;
pub mod contain;
pub mod probe;
pub mod procs;
pub mod python;
pub mod text;
