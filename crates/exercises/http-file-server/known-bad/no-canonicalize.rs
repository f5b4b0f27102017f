//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: checks the path as joined, not where it really leads: a symbolic link out of the folder is followed
//! caught by: symlink-out
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let real = path.canonicalize().ok()?;
//! with:
//!     // The mistake: the path is not resolved, so a symbolic link is not seen for what it is.
//!     let real = path;
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
