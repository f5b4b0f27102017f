//! The course-wide tests: the lessons are in sync with the code (`lessons_in_sync`), the demo
//! runner works (`runner`), every exercise is complete (`exercises`), and every server and
//! client keeps the contract of DESIGN.md (`contract`).
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.

mod contract;
mod exercises;
mod lessons_in_sync;
mod runner;
