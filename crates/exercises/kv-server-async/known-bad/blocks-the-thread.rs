//! A known-bad kv-server-async, kept to prove that `cargo exercise check kv-server-async`
//! catches its mistake: before each reply it sleeps with
//! `std::thread::sleep`, which blocks the one thread: every other client waits too.
//!
//! mistake: sleeps with std::thread::sleep in a task
//! caught by: quiet-clients-delay-nobody
//!
//! It is the reference solution, `kv-server-async/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         let sent = timeout(settings.idle_timeout, send_string(&mut client, &reply)).await;
//! with:
//!         // The mistake: a blocking sleep in a task stops every task on the thread.
//!         std::thread::sleep(std::time::Duration::from_millis(300));
//!         let sent = timeout(settings.idle_timeout, send_string(&mut client, &reply)).await;
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
