//! The course-wide test package.
//!
//! Its tests live in `tests/` at the root of the repository: they check that every lesson in
//! `lessons/` matches the code it shows and that every `cargo demo N` runs. Cargo needs a
//! target in every package, so this file exists; it has no code of its own.
