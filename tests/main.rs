//! The course-wide tests: the lessons are in sync with the code (`lessons_in_sync`), the demo
//! runner works (`runner`), every exercise is complete (`exercises`), and every server and
//! client keeps the contract of CONTRIBUTING.md (`contract`), and the crates depend on each
//! other in one direction (`crates`).
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.

mod book;
mod contract;
mod crates;
mod exercises;
mod lessons_in_sync;
mod runner;
mod workflows;
