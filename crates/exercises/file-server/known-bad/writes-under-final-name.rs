//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it writes the bytes to the final name as they come (and removes the file when the
//! upload breaks off), so a half-written file shows in the folder.
//!
//! mistake: writes to the final name as the bytes come (removing it on error)
//! caught by: named-when-complete
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let (temporary, file) = create_temporary(out_dir)?;
//!     let result = receive_then_link(file, client, size, &temporary, &out_dir.join(name));
//!     // After a link the file lives on under its final name; after a failure this removes the
//!     // partial bytes. Either way the temporary name must go.
//!     let _ = fs::remove_file(&temporary);
//!     result.with_context(|| format!("could not save {name}"))
//! with:
//!     // The mistake: the file is written under its final name while the bytes come; anyone
//!     // who opens the folder meanwhile sees half a file.
//!     let target = out_dir.join(name);
//!     let mut file = File::create_new(&target).context("could not create the file")?;
//!     let copied = io::copy(&mut client.take(size), &mut file)?;
//!     if copied < size {
//!         let _ = fs::remove_file(&target);
//!         bail!("the connection closed before all {size} bytes had come ({copied} came)");
//!     }
//!     Ok(())
//! ```
// The mistake leaves part of the solution unused.
#![allow(dead_code)]
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
