//! Turning errors into one line a student can act on: [`describe`], and [`finish`] for `main`.
//!
//! Operating-system messages are accurate but cryptic: a read that hit its timeout reports
//! "Resource temporarily unavailable (os error 11)". [`describe`] keeps the chain of context the
//! program added ("could not receive the reply") and replaces such messages with what they mean.
//! This module sits above the others: it knows their error types, and nothing below it uses it.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use crate::framing::FrameError;
use crate::show::{explain_io, seconds};

/// A time limit in force, and the option that sets it: a timed-out read can then say how long
/// it waited and how to wait longer (`nothing arrived for 10 s (--idle-timeout)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// How long the program waited.
    pub duration: Duration,
    /// The option that sets it, e.g. `--timeout`.
    pub option: &'static str,
}

impl Limit {
    /// A client's `--timeout`.
    pub fn timeout(duration: Duration) -> Limit {
        Limit {
            duration,
            option: "--timeout",
        }
    }

    /// A server's `--idle-timeout`.
    pub fn idle_timeout(duration: Duration) -> Limit {
        Limit {
            duration,
            option: "--idle-timeout",
        }
    }
}

/// Describes `error` and its causes in one line, `context: cause: cause`, with socket errors
/// explained. `limit` is the timeout that was in force, if any, so that a timed-out read can
/// say how long it waited and how to wait longer.
///
/// ```
/// use std::io::{Error, ErrorKind};
/// use std::time::Duration;
/// use netlesson::report::Limit;
///
/// let timed_out = anyhow::Error::new(Error::from(ErrorKind::WouldBlock))
///     .context("could not receive the request");
/// let idle = Some(Limit::idle_timeout(Duration::from_secs(10)));
/// assert_eq!(
///     netlesson::describe(&timed_out, idle),
///     "could not receive the request: nothing arrived for 10 s (--idle-timeout)"
/// );
///
/// // The same inside a framing error:
/// let in_frame = anyhow::Error::new(netlesson::framing::FrameError::Io(Error::from(ErrorKind::WouldBlock)))
///     .context("could not read the request");
/// assert_eq!(
///     netlesson::describe(&in_frame, idle),
///     "could not read the request: nothing arrived for 10 s (--idle-timeout)"
/// );
/// ```
pub fn describe(error: &anyhow::Error, limit: Option<Limit>) -> String {
    let mut parts = Vec::new();
    for cause in error.chain() {
        if let Some(io_error) = as_io_error(cause) {
            parts.push(explain_timed_out(io_error, limit));
            break;
        }
        if let (Some(FrameError::PeerStoppedReading), Some(limit)) =
            (cause.downcast_ref::<FrameError>(), limit)
        {
            parts.push(format!(
                "the peer stopped reading: nothing could be sent for {} ({})",
                seconds(limit.duration),
                limit.option
            ));
            break;
        }
        parts.push(cause.to_string());
        // Our own errors already explain their cause in their message.
        if cause.is::<crate::Error>() || cause.is::<FrameError>() {
            break;
        }
    }
    parts.join(": ")
}

/// The socket error behind `cause`, if it is one (directly or wrapped in a [`FrameError`]).
fn as_io_error<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a io::Error> {
    match cause.downcast_ref::<FrameError>() {
        Some(FrameError::Io(io_error)) => Some(io_error),
        _ => cause.downcast_ref::<io::Error>(),
    }
}

/// A receive that timed out says how long nothing arrived; other errors are explained as usual.
fn explain_timed_out(error: &io::Error, limit: Option<Limit>) -> String {
    // A reply that came too slowly says so itself (see `Traced::client`).
    if let Some(too_slow) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<crate::trace::ReplyTooSlow>())
    {
        return too_slow.to_string();
    }
    match (error.kind(), limit) {
        (io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut, Some(limit)) => format!(
            "nothing arrived for {} ({})",
            seconds(limit.duration),
            limit.option
        ),
        _ => explain_io(error),
    }
}

/// Ends `main`: on error, prints `error: <what went wrong>` on stderr and returns exit code 1.
///
/// `limit` is as for [`describe`]: a client's `--timeout`, so that a timed-out read says how
/// long it waited.
///
/// ```
/// use std::process::ExitCode;
///
/// assert_eq!(netlesson::finish(Ok(()), None), ExitCode::SUCCESS);
/// let failed = netlesson::finish(Err(anyhow::anyhow!("no reply")), None);
/// assert_eq!(failed, ExitCode::FAILURE); // and stderr says: error: no reply
/// ```
pub fn finish(result: anyhow::Result<()>, limit: Option<Limit>) -> ExitCode {
    // A server's last log lines may still wait for the log's writer thread.
    crate::log::flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Not `eprintln!`, which panics when stderr is closed: the exit code still tells.
            let line = format!("error: {}\n", describe(&error, limit));
            let _ = io::stderr().write_all(line.as_bytes());
            ExitCode::FAILURE
        }
    }
}
