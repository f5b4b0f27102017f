//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it splits the request into words and indexes them, which panics when a word is missing (`GET` alone).
//!
//! mistake: splits the request into words and indexes them, which panics on `GET` alone
//! caught by: unknown-commands
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let (command, argument) = request.split_once(' ').unwrap_or((request, ""));
//! with:
//!     // The mistake: the words are taken by index, and a request of one word has no word 1.
//!     let words: Vec<&str> = request.splitn(2, ' ').collect();
//!     let (command, argument) = (words[0], words[1]);
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
