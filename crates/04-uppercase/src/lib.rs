//! Lesson 4: a conversation typed at the keyboard. What `uppercase-client` and `id-client`
//! share: reading the line you type, the second half of Python's `input()`.
//!
//! The programs are in `src/bin/`; they read top to bottom like the tutorials they port. Each
//! shows its own prompt, then calls [`read_typed_line`]. The walkthrough is
//! `lessons/04-uppercase.md`.

use std::io::{self, BufRead, IsTerminal};

use anyhow::{Context, Result};

// ANCHOR: read_typed_line
/// Reads one line from stdin and returns it without its line ending, as Python's `input()`
/// does once it has shown its prompt. `None` means that stdin ended (Ctrl-D, or an empty pipe)
/// before any line: the caller says so in its own words.
pub fn read_typed_line() -> Result<Option<String>> {
    let mut line = String::new();
    let read = io::stdin()
        .lock()
        .read_line(&mut line)
        .context("could not read from stdin")?;
    if read == 0 {
        // End of input before any line: end the prompt's line, so that the caller's error
        // starts on a line of its own.
        println!();
        return Ok(None);
    }
    let line = line.strip_suffix('\n').unwrap_or(&line);
    let line = line.strip_suffix('\r').unwrap_or(line);

    // A terminal shows what you type; a pipe or a file does not. Show it, so that the output
    // of `echo hello | uppercase-client` reads like a session at the keyboard.
    if !io::stdin().is_terminal() {
        println!("{line}");
    }
    Ok(Some(line.to_string()))
}
// ANCHOR_END: read_typed_line
