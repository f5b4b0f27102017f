//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it renames the temporary file onto the final name, which replaces a file that
//! exists.
//!
//! mistake: renames the temporary file onto the final name, replacing an existing file
//! caught by: never-overwrites
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     if out_dir.join(&name).exists() {
//!         bail!("{name} exists already (choose another name: files are never replaced)");
//!     }
//! with:
//!     // The mistake (1 of 2): no check that the name is free.
//! replace:
//!     fs::hard_link(temporary, target).map_err(|error| match error.kind() {
//!         ErrorKind::AlreadyExists => anyhow::anyhow!("the name exists already"),
//!         _ => error.into(),
//!     })
//! with:
//!     // The mistake (2 of 2): rename replaces a file that has the name already.
//!     fs::rename(temporary, target)?;
//!     Ok(())
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
