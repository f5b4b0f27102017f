//! Lesson 8: what the compiler says when threads change shared numbers without a lock. This
//! file is kept outside cargo's targets on purpose (it must not compile): the lesson shows the
//! error, which `cargo lessons` gets by running `rustc` on it. The fix, a `Mutex`, is in
//! `src/lib.rs`; `counts-in-a-refcell.rs` is the second try, on the Going deeper page.

use std::sync::Arc;
use std::thread;

/// The numbers STATS reports, as threaded-server would keep them without a lock.
pub struct Counts {
    pub clients: u64,
    pub lines: u64,
}

/// Each client's thread adds to the numbers that all threads share.
pub fn count_lines() {
    let counts = Arc::new(Counts { clients: 0, lines: 0 });
    for _ in 0..2 {
        let counts = Arc::clone(&counts);
        thread::spawn(move || {
            counts.lines += 1;
        });
    }
}
