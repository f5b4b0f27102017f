//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it only checks the name's length, so `../escape` writes next to --out-dir.
//!
//! mistake: only checks the name's length, so `../escape` writes next to --out-dir
//! caught by: unsafe-names
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
//!     // Without `/` no name can reach another folder; without a leading `.` none can be `..`
//!     // (the folder above), `.` or a hidden file, such as our own temporary files.
//!     if name.is_empty() || name.len() > MAX_NAME_LENGTH as usize || !name.chars().all(allowed) {
//!         bail!("{name:?} is not a safe name (1 to 100 characters of A-Z a-z 0-9 . _ -)");
//!     }
//!     if name.starts_with('.') {
//!         bail!("{name:?} starts with a dot (no hidden files, no `..`)");
//!     }
//! with:
//!     // The mistake: only the length is checked; `/` and `..` go through.
//!     if name.is_empty() || name.len() > MAX_NAME_LENGTH as usize {
//!         bail!("a name must have 1 to 100 characters");
//!     }
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
