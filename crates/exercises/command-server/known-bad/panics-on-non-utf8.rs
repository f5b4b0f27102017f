//! A known-bad command-server, kept to prove that `cargo exercise check command-server`
//! catches its mistake: it decodes each line with `from_utf8(...).expect(...)`, so a line that is not UTF-8 crashes the server.
//!
//! mistake: decodes with from_utf8(...).expect(...), so a line that is not UTF-8 crashes it
//! caught by: not-utf8
//!
//! It is the reference solution, `command-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let Ok(text) = std::str::from_utf8(&line) else {
//!             send_line(client, "ERR not UTF-8")?;
//!             continue;
//!         };
//! with:
//!         // The mistake: a line that is not UTF-8 panics, and the whole server stops.
//!         let text = std::str::from_utf8(&line).expect("a line of UTF-8 text");
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
