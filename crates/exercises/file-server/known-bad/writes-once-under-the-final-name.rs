//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it reads the whole file into memory, then saves it with one `fs::write` to the
//! final name, where the bytes go to a temporary file as they come.
//!
//! mistake: keeps the bytes in memory, then writes them with one fs::write to the final name
//! caught by: named-when-complete
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     save_new(out_dir, &name, client, size)?;
//! with:
//!     // The mistake: the bytes are kept in memory (up to 10 MiB per client), then written under
//!     // the final name, which shows a half-written file while `fs::write` works (and keeps it,
//!     // if the server dies meanwhile).
//!     let bytes = read_exactly(client, size).context("could not read the file's bytes")?;
//!     fs::write(out_dir.join(&name), &bytes).with_context(|| format!("could not save {name}"))?;
//! ```
// The mistake leaves part of the solution unused.
#![allow(dead_code)]
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
