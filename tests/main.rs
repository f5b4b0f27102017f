//! The course-wide tests: the lessons are in sync with the code and render as a book
//! (`book`), the demo runner works (`runner`), every exercise is complete (`exercises`),
//! every server and client keeps the contract of CONTRIBUTING.md (`contract`), and the crates
//! depend on each other in one direction (`crates`).
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.
//!
//! The test harness starts tests in the order of their names, eight at a time
//! (`RUST_TEST_THREADS` in `.cargo/config.toml`). The longest, the lessons' check
//! (`book::lessons_in_sync`, two seconds of runs), is first by its module's name: started
//! after the contract's twenty, it made this binary 0.4 s slower.

mod book;
mod contract;
mod crates;
mod exercises;
mod runner;
mod workflows;
