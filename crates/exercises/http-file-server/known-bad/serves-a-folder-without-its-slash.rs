//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: serves a folder's index.html when the target names the folder without its final /
//! caught by: not-found
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     if folder {
//!         path.push("index.html");
//! with:
//!     // The mistake: a folder named without its `/` is served too.
//!     if folder || path.is_dir() {
//!         path.push("index.html");
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
