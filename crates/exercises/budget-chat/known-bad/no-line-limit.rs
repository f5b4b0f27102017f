//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches
//! its mistake: it reads lines with `read_line`, which has no limit.
//! Everything else is the reference solution's.
//!
//! mistake: reads lines with `read_line`, which has no limit
//! caught by: line-limit
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below: `build.rs`
//! makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! use netlesson::framing::{FrameError, read_until_delimiter};
//! with:
//! replace:
//!
//! /// The longest line a client may send, without its `\n`.
//! const MAX_LINE: usize = 1000;
//! with:
//! replace:
//! /// lines. A line longer than MAX_LINE, cut short by the close, or not UTF-8 is an error.
//! with:
//! /// lines.
//! replace:
//!     let line = match read_until_delimiter(lines, b"\n", MAX_LINE) {
//!         Ok(Some(line)) => line,
//!         Ok(None) => return Ok(None),
//!         Err(FrameError::NoDelimiter { .. }) => bail!("a line longer than {MAX_LINE} bytes"),
//!         Err(error) => return Err(error.into()),
//!     };
//!     match String::from_utf8(line) {
//!         Ok(text) => Ok(Some(text)),
//!         Err(_) => bail!("a line that is not UTF-8 text"),
//! with:
//!     // The mistake: `read_line` takes a line of any length.
//!     let mut line = String::new();
//!     if lines.read_line(&mut line)? == 0 {
//!         return Ok(None);
//!     }
//!     match line.strip_suffix('\n') {
//!         Some(text) => Ok(Some(text.to_string())),
//!         None => bail!("the connection closed in mid-line"),
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
