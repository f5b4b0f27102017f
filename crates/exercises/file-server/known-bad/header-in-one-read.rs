//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches
//! its mistake: it reads each header with one `read`, which may return fewer bytes
//! than the digits.
//!
//! mistake: reads each header with one `read`, which may return fewer bytes than the digits
//! caught by: bytewise
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
//!     // The callers checked `count` against a limit: this never makes room for a huge number.
//! with:
//! replace:
//!     let header = read_exactly(client, digits as u64)?;
//!     // `parse` alone would also take a leading `+`: the protocol says digits, nothing else.
//! with:
//!     // The mistake: one read, as if the digits always arrived together.
//!     let mut header = vec![0u8; digits];
//!     let received = client.read(&mut header)?;
//!     header.truncate(received);
//! replace:
//!     // At most 16 digits: always fits in a u64.
//! with:
//! replace:
//!     // Without `/` no name can reach another folder; without a leading `.` none can be `..`
//!     // (the folder above), `.` or a hidden file, such as our own temporary files.
//! with:
//! replace:
//!     // After a link the file lives on under its final name; after a failure this removes the
//!     // partial bytes. Either way the temporary name must go.
//! with:
//! replace:
//!     // The bytes reach the disk before the file gets a name that says "complete".
//! with:
//! replace:
//!     // hard_link fails when `target` exists; rename would silently replace it.
//! with:
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
