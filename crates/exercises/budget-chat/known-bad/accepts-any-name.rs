//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches
//! its mistake: it lets in any name, spaces and all.
//! Everything else is the reference solution's.
//!
//! mistake: lets in any name, spaces and all
//! caught by: bad-names
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below: `build.rs`
//! makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!
//! /// The longest name.
//! const MAX_NAME: usize = 16;
//! with:
//! replace:
//! /// Reads the first line, the name: 1 to 16 ASCII letters or digits.
//! with:
//! /// Reads the first line, the name.
//! replace:
//!     let valid =
//!         (1..=MAX_NAME).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric());
//!     if !valid {
//!         bail!("the name {name:?} is not 1 to {MAX_NAME} letters or digits");
//!     }
//! with:
//!     // The mistake: any line is a name.
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
