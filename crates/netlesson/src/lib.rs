//! `netlesson`: the small library every lesson of the socket course shares.
//!
//! Each lesson's binaries are meant to read top to bottom like the Python tutorial they port,
//! so anything that is not the point of the lesson lives here instead:
//!
//! - [`ServerOptions`] and [`ClientOptions`]: the command-line options every TCP program
//!   accepts (`--host`, `--once`, `--idle-timeout`, `--client-deadline`, `--timeout`,
//!   `--trace`); each program adds its own `--port`. [`parse_seconds`] reads every duration.
//! - [`listen`] and [`announce`]: a listening socket made the way lesson 1 shows, and the
//!   `listening on <ip>:<port>` line that tests and the demo runner wait for
//!   ([`announce_udp`] for a UDP server).
//! - [`serve`]: the accept loop that serves clients one after another and never lets one bad
//!   client stop the server, or hold it longer than `--client-deadline`
//!   ([`server::Deadline`]).
//! - [`log!`]: a server's `println!`, which never waits for whoever reads its output (a queue
//!   and one writer thread), nor stops the server when nobody does.
//! - [`server::accept`]: every server's accept, which pauses after a failure instead of
//!   spinning.
//! - [`connect`]: a client connection with a timeout, and a deadline for each whole reply,
//!   whose errors tell a student what to do.
//! - [`Traced`] and [`trace!`]: with `--trace`, every socket call and its result on stderr
//!   (for a `UdpSocket` too: `recvfrom`, `sendto`, ...).
//! - [`framing`]: whole messages out of a byte stream: `send_all`, `recv_exact`,
//!   length-prefixed strings, delimiters and lines, each with a size limit.
//! - [`finish`]: turns `main`'s result into one clear `error: ...` line and an exit code;
//!   [`describe`] is that line, for a server's `client <address>: <problem>`.
//! - [`show`]: bytes, counts, durations and socket errors, written for people.
//!
//! The modules form layers; each uses only those below it:
//!
//! ```text
//! server, client            listening, serving, connecting
//! report                    describe, finish: errors of every module below, in one line
//! options, framing, trace   clap options; messages out of a stream; --trace
//! error, address            the typed Error; --host and --port to an address
//! show, log                 formatting for people; log lines that never panic
//! ```
//!
//! Lesson 1 writes most of these steps out by hand; later lessons call the helpers.

mod address;
mod client;
mod error;
pub mod framing;
pub mod log;
mod options;
pub mod report;
pub mod server;
pub mod show;
pub mod trace;

pub use address::resolve;
pub use client::connect;
pub use error::Error;
pub use options::{ClientOptions, ServerOptions, parse_seconds};
pub use report::{Limit, describe, finish};
pub use server::{announce, announce_udp, listen, serve};
pub use trace::Traced;
