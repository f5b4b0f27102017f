//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches
//! its mistake: it writes the bytes to the final name as they come (and removes
//! the file when the upload breaks off), so a half-written file shows in the folder.
//!
//! mistake: writes to the final name as the bytes come (removing it on error)
//! caught by: named-when-complete
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below: `build.rs`
//! makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!             // Tell the client why; then `serve` prints the problem as this client's line. (A
//!             // client that has gone cannot read it: that is not a second problem.)
//! with:
//! replace:
//!     // Checked before reading the name: a client announcing 99999999 bytes gets its answer at
//!     // once, and we never make room for a name we would refuse anyway.
//! with:
//! replace:
//!     // Also checked (for good) by `save_new`; asking now spares the client sending 10 MiB
//!     // for nothing.
//! with:
//! replace:
//!     let bytes = read_exactly(client, size).context("could not read the file's bytes")?;
//!     save_new(out_dir, &name, &bytes)?;
//! with:
//!     // The mistake: the file is written under its final name while the bytes come; anyone
//!     // who opens the folder meanwhile sees half a file.
//!     let target = out_dir.join(&name);
//!     let mut file = File::create_new(&target).context("could not create the file")?;
//!     let copied = std::io::copy(&mut client.take(size), &mut file)?;
//!     if copied < size {
//!         let _ = fs::remove_file(&target);
//!         bail!("the connection closed before all {size} bytes had come");
//!     }
//! replace:
//!     // The callers checked `count` against a limit: this never makes room for a huge number.
//! with:
//! replace:
//!     // `parse` alone would also take a leading `+`: the protocol says digits, nothing else.
//! with:
//! replace:
//!     // At most 16 digits: always fits in a u64.
//! with:
//! replace:
//!     // Without `/` no name can reach another folder; without a leading `.` none can be `..`
//!     // (the folder above), `.` or a hidden file, such as our own temporary files.
//! with:
//! replace:
//!
//! /// Saves `bytes` as `out_dir/name`, never replacing a file, and never letting a half-written
//! /// file appear under that name.
//! fn save_new(out_dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
//!     let temporary = out_dir.join(format!(".{name}.part"));
//!     let result = write_then_link(&temporary, &out_dir.join(name), bytes);
//!     // After a link the file lives on under its final name; after a failure this removes the
//!     // partial bytes. Either way the temporary name must go.
//!     let _ = fs::remove_file(&temporary);
//!     result.with_context(|| format!("could not save {name}"))
//! }
//!
//! fn write_then_link(temporary: &Path, target: &Path, bytes: &[u8]) -> Result<()> {
//!     let mut file = File::create(temporary).context("could not create a temporary file")?;
//!     file.write_all(bytes)?;
//!     // The bytes reach the disk before the file gets a name that says "complete".
//!     file.sync_all()?;
//!     drop(file);
//!     // hard_link fails when `target` exists; rename would silently replace it.
//!     fs::hard_link(temporary, target).map_err(|error| match error.kind() {
//!         ErrorKind::AlreadyExists => anyhow::anyhow!("the name exists already"),
//!         _ => error.into(),
//!     })
//! }
//! with:
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
