//! Lesson 8: the second try at sharing numbers between threads without a lock, with a
//! `RefCell`, which lets one thread change a value it shares. Kept outside cargo's targets on
//! purpose (it must not compile): the Going deeper page shows the error, which `cargo lessons`
//! gets by running `rustc` on it.

use std::cell::RefCell;
use std::sync::Arc;
use std::thread;

/// The numbers STATS reports, as threaded-server would keep them without a lock.
pub struct Counts {
    pub clients: u64,
    pub lines: u64,
}

/// Each client's thread adds to the numbers that all threads share, through a `RefCell`.
pub fn count_lines() {
    let counts = Arc::new(RefCell::new(Counts { clients: 0, lines: 0 }));
    for _ in 0..2 {
        let counts = Arc::clone(&counts);
        thread::spawn(move || {
            counts.borrow_mut().lines += 1;
        });
    }
}
