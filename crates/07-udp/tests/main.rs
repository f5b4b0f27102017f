//! The black-box tests of lesson 7 (udp-server, udp-client).
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.

mod interop;
mod udp;
