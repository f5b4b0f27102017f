//! The checker's own tests, one test binary with a module per file: `reports` (the JUnit and
//! JSON reports stay valid and add up, whatever a program prints), `cli` (exit statuses: a
//! failure of the checker itself is not the student's), and `grading` (slow scenarios on real
//! copies of the course, `#[ignore]`d here and run by `.ci/run`).

mod cli;
mod grading;
mod reports;
