//! The black-box tests of lesson 1 (simple-server, simple-client, the bare examples).
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.

mod bare_examples;
mod interop;
mod simple;
