//! Lesson 10: two small experiments with tokio's runtime, without sockets.
//!
//! - `runtime-demo lazy`: a future does nothing until it is awaited (polled).
//! - `runtime-demo sleep`: two tasks on one thread: a ticker that prints every 200 ms, and a
//!   task that sleeps half a second with `tokio::time::sleep` (the ticker goes on), or with
//!   `--blocking`, with `std::thread::sleep` (the ticker stops: the one thread is asleep, so no
//!   other task can run). A blocking call in a task, a `read` on a std socket or a long
//!   computation, does the same to every client of a server.
//!
//! Run them with `cargo run --bin runtime-demo -- lazy` and
//! `cargo run --bin runtime-demo -- sleep --blocking`. The walkthrough is
//! `lessons/10-async.md`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand};

/// Lesson 10's experiments with tokio's runtime: lazy futures, and a blocking call in a task.
#[derive(Parser)]
#[command(version)]
struct Options {
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand)]
enum Experiment {
    /// Make a future, see that nothing happens, then await it
    Lazy,
    /// A ticker task and a sleeping task on one thread
    Sleep {
        /// Sleep with std::thread::sleep, which blocks the thread, instead of tokio's sleep
        #[arg(long)]
        blocking: bool,
    },
}

fn main() -> ExitCode {
    let options = Options::parse();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the tokio runtime");
    let result = runtime.map(|runtime| match options.experiment {
        Experiment::Lazy => runtime.block_on(lazy()),
        Experiment::Sleep { blocking } => runtime.block_on(ticker_and_sleeper(blocking)),
    });
    netlesson::finish(result, None)
}

// ANCHOR: lazy
async fn lazy() {
    let started = Instant::now();
    let future = say_hello(started); // nothing runs yet: `future` is a value, a state machine
    println!(
        "{} ms: made the future; it has printed nothing",
        started.elapsed().as_millis()
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    println!(
        "{} ms: still nothing; now we await it",
        started.elapsed().as_millis()
    );
    future.await; // now it runs, up to its end
}

async fn say_hello(started: Instant) {
    println!(
        "{} ms: hello from inside the future",
        started.elapsed().as_millis()
    );
}
// ANCHOR_END: lazy

// ANCHOR: ticker_and_sleeper
async fn ticker_and_sleeper(blocking: bool) {
    let started = tokio::time::Instant::now();
    let ticker = tokio::spawn(async move {
        for number in 1..=3 {
            // On a fixed schedule, every 200 ms from the start: a late tick does not move the next.
            tokio::time::sleep_until(started + Duration::from_millis(200 * number)).await;
            println!("tick at {} ms", started.elapsed().as_millis());
        }
    });
    let sleeper = tokio::spawn(async move {
        println!(
            "sleeper: going to sleep for 0.5 s at {} ms",
            started.elapsed().as_millis()
        );
        match blocking {
            // Blocks the thread: no other task runs until it returns.
            true => std::thread::sleep(Duration::from_millis(500)),
            // Hands the thread back to the runtime until the time is up.
            false => tokio::time::sleep(Duration::from_millis(500)).await,
        }
        println!("sleeper: awake at {} ms", started.elapsed().as_millis());
    });
    let _ = tokio::join!(ticker, sleeper);
}
// ANCHOR_END: ticker_and_sleeper
