//! The black-box tests of lesson 4 (uppercase and student ID).
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.

mod common;
mod id;
mod interop;
mod uppercase;
