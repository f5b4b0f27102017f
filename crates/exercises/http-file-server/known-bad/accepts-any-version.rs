//! A known-bad http-file-server, kept to prove that `cargo exercise check http-file-server`
//! catches its mistake.
//!
//! mistake: answers any version, HTTP/2 and nonsense included, as if it were HTTP/1.1
//! caught by: bad-requests
//!
//! It is the reference solution, `http-file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         _ => return Err("the version is not HTTP/1.1 or HTTP/1.0"),
//! with:
//!         // The mistake: any version is taken for HTTP/1.1.
//!         _ => false,
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
