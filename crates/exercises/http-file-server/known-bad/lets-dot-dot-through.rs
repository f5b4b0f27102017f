//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: lets a name `..` through, and relies on the file being found outside the folder
//! caught by: climbing-out
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         if name == ".." || name.contains('/') {
//! with:
//!         // The mistake: `..` is not refused here.
//!         if name.contains('/') {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
