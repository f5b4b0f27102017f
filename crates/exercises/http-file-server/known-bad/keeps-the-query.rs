//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: keeps the query (`?v=2`) as part of the path
//! caught by: folder-index
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let path = request.target.split('?').next().unwrap_or_default();
//! with:
//!     // The mistake: the query stays in the path.
//!     let path = request.target.as_str();
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
