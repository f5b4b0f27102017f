//! The black-box tests of lesson 3 (echo-server, echo-client, echo-bench).
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.

mod bench;
mod echo;
mod interop;
