//! Lesson 8: what the compiler says when threads change shared numbers without a lock. This
//! file is kept outside cargo's targets on purpose (it must not compile); the lesson shows the
//! errors, with `cargo lessons` running `rustc` on it. The fix, a `Mutex`, is in `src/lib.rs`.

use std::cell::RefCell;
use std::sync::Arc;
use std::thread;

/// The numbers STATS reports, as threaded-server would keep them without a lock.
pub struct Counts {
    pub clients: u64,
    pub lines: u64,
}

/// First try: each client's thread adds to the numbers that all threads share.
pub fn count_in_an_arc() {
    let counts = Arc::new(Counts { clients: 0, lines: 0 });
    for _ in 0..2 {
        let counts = Arc::clone(&counts);
        thread::spawn(move || {
            counts.lines += 1;
        });
    }
}

/// Second try: a `RefCell`, which lets one thread change what it shares.
pub fn count_in_a_refcell() {
    let counts = Arc::new(RefCell::new(Counts { clients: 0, lines: 0 }));
    for _ in 0..2 {
        let counts = Arc::clone(&counts);
        thread::spawn(move || {
            counts.borrow_mut().lines += 1;
        });
    }
}
