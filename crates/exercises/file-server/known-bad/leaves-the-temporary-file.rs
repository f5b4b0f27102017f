//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it returns with `?` when receiving fails, before it removes the temporary file, so
//! a broken upload leaves it in the folder.
//!
//! mistake: returns with `?` before removing the temporary file when the upload fails
//! caught by: truncated
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let result = receive_then_link(file, client, size, &temporary, &out_dir.join(name));
//!     // After a link the file lives on under its final name; after a failure this removes the
//!     // partial bytes. Either way the temporary name must go.
//!     let _ = fs::remove_file(&temporary);
//!     result.with_context(|| format!("could not save {name}"))
//! with:
//!     // The mistake: `?` returns at once when the upload breaks off, and the line that removes
//!     // the temporary file never runs.
//!     receive_then_link(file, client, size, &temporary, &out_dir.join(name))
//!         .with_context(|| format!("could not save {name}"))?;
//!     let _ = fs::remove_file(&temporary);
//!     Ok(())
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
