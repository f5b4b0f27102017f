//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: sends every file as text/html: a stylesheet, a picture, a text file all claim to be a page
//! caught by: content-types
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         Some("css") => "text/css; charset=utf-8",
//!         Some("txt") => "text/plain; charset=utf-8",
//!         Some("png") => "image/png",
//!         _ => "application/octet-stream",
//! with:
//!         // The mistake: every file is said to be a page.
//!         _ => "text/html; charset=utf-8",
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
