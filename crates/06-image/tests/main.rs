//! The black-box tests of lesson 6 (image-server, image-client).
//!
//! One test binary with a module per file of this folder: cargo links it once, instead of
//! once per file.

mod common;
mod image;
mod interop;
mod startup;
