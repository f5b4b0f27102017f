//! Turning errors into one line a student can act on.
//!
//! Operating-system messages are accurate but cryptic: a read that hit its timeout reports
//! "Resource temporarily unavailable (os error 11)". [`describe`] keeps the chain of context the
//! program added ("could not receive the reply") and replaces such messages with what they mean.

use std::fmt::Display;
use std::io;
use std::process::ExitCode;
use std::time::Duration;

use crate::framing::FrameError;

/// Describes `error` and its causes in one line, `context: cause: cause`, with socket errors
/// explained. `timeout` is the timeout that was in force and the option that sets it, so that a
/// timed-out read can say how long it waited and how to wait longer.
///
/// ```
/// use std::io::{Error, ErrorKind};
/// use std::time::Duration;
///
/// let timed_out = anyhow::Error::new(Error::from(ErrorKind::WouldBlock))
///     .context("could not receive the request");
/// let idle = Some((Duration::from_secs(10), "--idle-timeout"));
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
pub fn describe(error: &anyhow::Error, timeout: Option<(Duration, &str)>) -> String {
    let mut parts = Vec::new();
    for cause in error.chain() {
        if let Some(io_error) = as_io_error(cause) {
            parts.push(explain_timed_out(io_error, timeout));
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

/// The mark [`crate::Traced`] puts on a send that timed out. A send waits only while the
/// buffers between the two programs are full, and they stay full when the peer stops reading:
/// so a send timeout means "the peer stopped reading", not "nothing arrived".
#[derive(Debug)]
pub(crate) struct SendStalled;

impl std::fmt::Display for SendStalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the peer stopped reading")
    }
}

impl std::error::Error for SendStalled {}

/// Whether `error` is a send that timed out (see [`SendStalled`]).
fn is_stalled_send(error: &io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|inner| inner.is::<SendStalled>())
}

fn explain_timed_out(error: &io::Error, timeout: Option<(Duration, &str)>) -> String {
    if is_stalled_send(error) {
        return match timeout {
            Some((limit, option)) => format!(
                "the peer stopped reading: nothing could be sent for {} ({option})",
                seconds(limit)
            ),
            None => "the peer stopped reading (timed out)".into(),
        };
    }
    match (error.kind(), timeout) {
        (io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut, Some((limit, option))) => {
            format!("nothing arrived for {} ({option})", seconds(limit))
        }
        _ => explain_io(error),
    }
}

/// Explains the socket errors a student meets; other errors keep the operating system's words.
///
/// ```
/// use std::io::{Error, ErrorKind};
///
/// let reset = Error::from(ErrorKind::ConnectionReset);
/// assert_eq!(netlesson::report::explain_io(&reset), "connection reset by the peer");
/// ```
pub fn explain_io(error: &io::Error) -> String {
    if is_stalled_send(error) {
        return "the peer stopped reading (timed out)".into();
    }
    match error.kind() {
        // SO_RCVTIMEO / SO_SNDTIMEO expiring shows up as EAGAIN ("would block") on Linux.
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => "timed out".into(),
        io::ErrorKind::ConnectionReset => "connection reset by the peer".into(),
        io::ErrorKind::ConnectionAborted => "connection aborted".into(),
        io::ErrorKind::BrokenPipe => "the peer has closed the connection (broken pipe)".into(),
        io::ErrorKind::UnexpectedEof => "the peer closed the connection too early".into(),
        _ => error.to_string(),
    }
}

/// A count with its noun, singular or plural: `1 byte`, `13 bytes`.
///
/// ```
/// assert_eq!(netlesson::report::count(1, "byte"), "1 byte");
/// assert_eq!(netlesson::report::count(13, "byte"), "13 bytes");
/// ```
pub fn count(number: usize, noun: &str) -> String {
    match number {
        1 => format!("1 {noun}"),
        _ => format!("{number} {noun}s"),
    }
}

/// Formats a duration for people: `10 s`, `0.5 s`, `250 ms`.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(netlesson::report::seconds(Duration::from_secs(5)), "5 s");
/// assert_eq!(netlesson::report::seconds(Duration::from_millis(1500)), "1.5 s");
/// assert_eq!(netlesson::report::seconds(Duration::from_millis(250)), "250 ms");
/// ```
pub fn seconds(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else {
        format!("{} s", duration.as_secs_f64())
    }
}

/// Ends `main`: on error, prints `error: <what went wrong>` on stderr and returns exit code 1.
///
/// `timeout` is as for [`describe`]: the client's `--timeout`, so that a timed-out read says
/// how long it waited.
///
/// ```
/// use std::process::ExitCode;
///
/// assert_eq!(netlesson::finish(Ok(()), None), ExitCode::SUCCESS);
/// let failed = netlesson::finish(Err(anyhow::anyhow!("no reply")), None);
/// assert_eq!(failed, ExitCode::FAILURE); // and stderr says: error: no reply
/// ```
pub fn finish(result: anyhow::Result<()>, timeout: Option<(Duration, &str)>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            print_error(describe(&error, timeout));
            ExitCode::FAILURE
        }
    }
}

fn print_error(message: impl Display) {
    eprintln!("error: {message}");
}
