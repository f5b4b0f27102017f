//! The plumbing every exercise server shares, so that your file holds only your part.
//!
//! An exercise's `main` is one line, `exercises::serve(PORT, your_function)`. This library
//! then does what lessons 1 to 3 showed: it reads the options (`--host`, `--port`,
//! `--idle-timeout`, ...), listens, prints `listening on <ip>:<port>`, and serves clients one
//! after another, calling `your_function` for each (netlesson's `serve` loop). When your
//! function returns an error, the server prints one line about that client and goes on to
//! the next one; when it returns, the connection closes.
//!
//! Two exercises need a little more: `file-server` calls [`serve_uploads`], which adds
//! `--out-dir DIR`, and `udp-pinger`, a client, calls [`run_pinger`], which reads its options.

use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use netlesson::{ServerOptions, Traced};

// file-server (lesson 6) and udp-pinger (lesson 7) need options of their own.
mod pinger;
mod uploads;
pub use pinger::{PingerOptions, run_pinger};
pub use uploads::serve_uploads;

/// How many connections may wait while the server serves one client.
const BACKLOG: i32 = 5;

/// The options of every exercise server. The default port is each exercise's own.
#[derive(Parser)]
#[command(about = "An exercise server of the socket course (see the top of its file)")]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long)]
    port: u16,

    #[command(flatten)]
    server: ServerOptions,
}

/// Serves clients one after another on `--port` (default `default_port`), calling `handle`
/// for each; returns the exit code for `main`.
pub fn serve(
    default_port: u16,
    handle: impl FnMut(&mut Traced<TcpStream>, SocketAddr) -> Result<()>,
) -> ExitCode {
    let options: Options = match parse_options(default_port) {
        Ok(options) => options,
        Err(error) => error.exit(),
    };
    netlesson::trace::enable(options.server.trace);
    let result = listen_and_serve(options.port, &options.server, handle);
    netlesson::finish(result, None)
}

/// The options `O` (any of the exercises' option structs, all with `--port`), with the
/// exercise's default port.
fn parse_options<O: Parser>(default_port: u16) -> Result<O, clap::Error> {
    // clap keeps defaults as `&'static str`: this one string lives as long as the program.
    let port: &'static str = default_port.to_string().leak();
    // With a default, `--port` is no longer required (clap made it required: a `u16` field).
    let command = O::command().mut_arg("port", |arg| arg.default_value(port).required(false));
    let matches = command.try_get_matches()?;
    O::from_arg_matches(&matches)
}

fn listen_and_serve(
    port: u16,
    server: &ServerOptions,
    handle: impl FnMut(&mut Traced<TcpStream>, SocketAddr) -> Result<()>,
) -> Result<()> {
    let listener = netlesson::listen(server.address(port)?, BACKLOG)?;
    netlesson::announce(&listener)?;
    netlesson::serve(&listener, server, handle)?;
    Ok(())
}
