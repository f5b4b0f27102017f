//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it lets in names that start with `.`, so `.hidden` is saved as a hidden file, where
//! such names are refused.
//!
//! mistake: lets in a name that starts with a dot
//! caught by: unsafe-names
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     if name.starts_with('.') {
//!         bail!("{name:?} starts with a dot (no hidden files, no `..`)");
//!     }
//! with:
//!     // The mistake: a name that starts with `.` is hidden, or `..`, the folder above.
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
