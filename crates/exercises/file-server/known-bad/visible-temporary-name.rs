//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: its temporary file's name does not start with `.`, so it shows in the folder as if
//! it were a saved file.
//!
//! mistake: names its temporary file without the leading dot, so it shows in the folder
//! caught by: named-when-complete
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     format!(".upload-{:016x}.part", hasher.finish())
//! with:
//!     // The mistake: without the leading `.`, the temporary file looks like a saved one.
//!     format!("upload-{:016x}.part", hasher.finish())
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
