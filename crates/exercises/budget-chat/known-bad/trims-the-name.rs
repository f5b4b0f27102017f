//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: it trims the name, so `bob\r` joins as bob, where a name with a `\r` is refused.
//!
//! mistake: trims the name, so `bob\r` joins as bob
//! caught by: bad-names
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         bail!("closed the connection without sending a name");
//!     };
//! with:
//!         bail!("closed the connection without sending a name");
//!     };
//!     // The mistake: `bob\r` is not a name (no spaces, no `\r`, nothing else).
//!     let name = name.trim().to_string();
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
