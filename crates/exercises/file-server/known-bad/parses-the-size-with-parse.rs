//! A known-bad file-server, kept to prove that `cargo exercise check file-server` catches its
//! mistake: it reads a header with `str::parse` alone, which takes `+000000000000005` for 5,
//! where a header is all digits.
//!
//! mistake: reads a header with str::parse, which takes a leading `+`
//! caught by: headers-not-digits
//!
//! It is the reference solution, `file-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     if !header.iter().all(u8::is_ascii_digit) {
//!         bail!(
//!             "the header must be {digits} digits, not {}",
//!             String::from_utf8_lossy(&header).escape_debug()
//!         );
//!     }
//! with:
//!     // The mistake: `parse` takes a leading `+`; a header is digits and nothing else.
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
