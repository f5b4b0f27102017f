//! The black-box tests of wiretap.
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.

mod common;
mod holding;
mod tcp;
mod udp;
