//! A known-bad budget-chat, kept to prove that `cargo exercise check budget-chat` catches its
//! mistake: its queues hold 100000 lines each, so a member that does not read is dropped only
//! after 100 MB, where a queue holds at most QUEUE (1000) lines.
//!
//! mistake: makes each member's queue 100000 lines long, not 1000
//! caught by: never-reads
//!
//! It is the reference solution, `budget-chat/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! const QUEUE: usize = 1000;
//! with:
//! // The mistake: 1000 lines; a queue of 100000 holds 100 MB for a member that never reads.
//! const QUEUE: usize = 100_000;
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
