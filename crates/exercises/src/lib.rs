//! The plumbing every exercise server shares, so that your file holds only your part.
//!
//! An exercise's `main` is one line, `exercises::serve(PORT, your_function)`. This library
//! then does what lessons 1 to 3 showed: it reads the options (`--host`, `--port`,
//! `--idle-timeout`, ...), listens, prints `listening on <ip>:<port>`, and serves clients one
//! after another, calling `your_function` for each (netlesson's `serve` loop). When your
//! function returns an error, the server prints one line about that client and goes on to
//! the next one; when it returns, the connection closes.

use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use anyhow::Result;
use clap::{CommandFactory, FromArgMatches, Parser};
use netlesson::{ServerOptions, Traced};

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
    let options = match parse_options(default_port) {
        Ok(options) => options,
        Err(error) => error.exit(),
    };
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(listen_and_serve(&options, handle), None)
}

/// The options, with the exercise's default port.
fn parse_options(default_port: u16) -> Result<Options, clap::Error> {
    // clap keeps defaults as `&'static str`: this one string lives as long as the program.
    let port: &'static str = default_port.to_string().leak();
    let command = Options::command().mut_arg("port", |arg| arg.default_value(port));
    let matches = command.try_get_matches()?;
    Options::from_arg_matches(&matches)
}

fn listen_and_serve(
    options: &Options,
    handle: impl FnMut(&mut Traced<TcpStream>, SocketAddr) -> Result<()>,
) -> Result<()> {
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    netlesson::announce(&listener)?;
    netlesson::serve(&listener, &options.server, handle)?;
    Ok(())
}
