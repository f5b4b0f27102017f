//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it adds 1 with `+`, which panics on i64::MAX in a debug build (and wraps round to i64::MIN in a release build).
//!
//! mistake: adds 1 with `+`, which panics on i64::MAX (and wraps in a release build)
//! caught by: incr
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!     let Some(next) = current.and_then(|number| number.checked_add(1)) else {
//! with:
//!     // The mistake: `+ 1` panics on i64::MAX (and wraps in a release build).
//!     let Some(next) = current.map(|number| number + 1) else {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
