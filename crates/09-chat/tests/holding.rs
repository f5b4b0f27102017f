//! chat-server holds under pressure that does not come from a client: a stdout that nobody
//! reads (logging must never block serving, nor hold the room's lock while it waits), and a
//! process out of file descriptors (the accept loop must pause, not spin).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, ensure};
use testkit::probe::Probe;
use testkit::procs::{recovers_from_descriptor_limit, serves_with_stdout_unread};

use super::{SERVER, WELCOME, presence};

/// One visit to the room: connect, read the welcome, join under a name never used before,
/// read the list of those present, leave. Every read has a time limit.
fn visit(address: SocketAddr) -> Result<()> {
    static VISITS: AtomicUsize = AtomicUsize::new(0);
    let name = format!("v{}", VISITS.fetch_add(1, Ordering::SeqCst));
    let mut probe = Probe::connect(address)?;
    let welcome = probe.receive_exact(WELCOME.len() + 1)?;
    ensure!(
        welcome == format!("{WELCOME}\n").as_bytes(),
        "welcome: {welcome:?}"
    );
    probe.send(format!("{name}\n").as_bytes())?;
    let present = read_line(&mut probe).context("no list of those present")?;
    // Those who left just before may not be out yet: only the start is certain.
    ensure!(present.starts_with(&presence(&[])), "{present:?}");
    Ok(())
}

/// One line, read a byte at a time (so that nothing after it is taken).
fn read_line(probe: &mut Probe) -> Result<String> {
    let mut line = Vec::new();
    loop {
        let byte = probe.receive_exact(1)?;
        if byte == b"\n" {
            return Ok(String::from_utf8(line)?);
        }
        line.extend_from_slice(&byte);
    }
}

#[test]
fn chat_serves_2000_visits_while_nobody_reads_its_stdout() {
    // Each visit is 3 log lines: the pipe's 64 KiB fill after about 400 of them. The server
    // used to log while it held the room's lock, and froze for everyone at the 422nd.
    serves_with_stdout_unread(Path::new(SERVER), &["--port", "0"], 2000, visit)
        .unwrap_or_else(|error| panic!("{error:#}"));
}

#[test]
fn chat_pauses_after_accept_fails_for_want_of_descriptors_and_recovers() {
    // It used to try again at once: 800,000 lines of "accept failed" in 3 s, a core busy.
    let args = ["--port", "0", "--max-clients", "500"];
    recovers_from_descriptor_limit(Path::new(SERVER), &args, visit)
        .unwrap_or_else(|error| panic!("{error:#}"));
}
