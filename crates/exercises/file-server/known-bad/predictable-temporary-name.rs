//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it writes to a temporary file of a fixed name with `File::create`, which follows a
//! symbolic link planted under that name and writes outside the folder.
//!
//! mistake: opens a temporary file of a fixed name with File::create, following a planted link
//! caught by: temporary-name
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let path = out_dir.join(temporary_name());
//!         match File::create_new(&path) {
//! with:
//!         // The mistake: anyone who can write in the folder knows this name in advance, and
//!         // `File::create` opens whatever is there, a symbolic link to a file elsewhere too.
//!         let path = out_dir.join(".upload.part");
//!         match File::create(&path) {
//! ```
// The mistake leaves part of the solution unused.
#![allow(dead_code)]
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
