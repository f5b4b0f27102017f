//! The black-box tests of netlesson.
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.

mod framing_properties;
