//! The black-box tests of lesson 2 (time-server, time-client).
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.

mod interop;
mod time;
