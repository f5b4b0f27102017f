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
//! - [`tools`]: find programs nobody here wrote (curl, Chromium), or skip the tests that need
//!   them (fail them with `COURSE_REQUIRE_TOOLS=1`, as CI does).
//! - [`bins`]: find the workspace (from the current directory, at run time), build its
//!   binaries and find them.
//! - [`text`]: [`text::normalize`] hides what changes between runs (ports, times, durations).
//! - [`chat`]: Budget Chat (lessons 9 and 10) from the tests' side: a chat user, and the
//!   tests every chat server must pass, each a function taking the server's binary.
//! - [`command`]: lesson 8's command protocol (lessons 8 and 10) from the tests' side: a
//!   client, the server's log, and the tests every server of the protocol must pass.

pub mod bins;
pub mod chat;
pub mod client;
pub mod command;
pub mod contain;
pub mod probe;
pub mod procs;
pub mod python;
pub mod text;
pub mod tools;
