//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: serves no index.html for a target that ends with /
//! caught by: folder-index
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     if folder {
//!         path.push("index.html");
//!     }
//! with:
//!     // The mistake: a folder's index.html is never looked for.
//!     let _ = folder;
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
