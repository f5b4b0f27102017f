//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it reads the name before it checks the name's length, so a client announcing
//! 99999999 bytes makes it wait for them, where a name length over 100 is refused at once.
//!
//! mistake: reads the name before checking its length
//! caught by: limits
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     if name_length == 0 || name_length > MAX_NAME_LENGTH {
//!         bail!("a name must have 1 to {MAX_NAME_LENGTH} bytes, not {name_length}");
//!     }
//!     let name = read_exactly(client, name_length).context("could not read the name")?;
//! with:
//!     // The mistake: the name is read (and room made for it) before its length is checked.
//!     let name = read_exactly(client, name_length).context("could not read the name")?;
//!     if name_length == 0 || name_length > MAX_NAME_LENGTH {
//!         bail!("a name must have 1 to {MAX_NAME_LENGTH} bytes, not {name_length}");
//!     }
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
