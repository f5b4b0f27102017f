//! The black-box tests of lesson 5 (the stream experiments, strings, average).
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.

mod average;
mod common;
mod experiments;
mod interop;
mod strings;
