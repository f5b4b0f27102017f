//! The plumbing every exercise server shares, so that your file holds only your part.
//!
//! An exercise's `main` is one line, `exercises::serve(PORT, your_function)`. This library
//! then does what lessons 1 to 3 showed: it reads the options (`--host`, `--port`,
//! `--idle-timeout`, ...), listens, prints `listening on <ip>:<port>`, and serves clients one
//! after another, calling `your_function` for each (netlesson's `serve` loop). When your
//! function returns an error, the server prints one line about that client and goes on to
//! the next one; when it returns, the connection closes.
//!
//! A server that serves many clients at once (lesson 9) calls `exercises::listen(PORT)`
//! instead, and runs its own accept loop on the listening socket it returns.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

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

// Threaded exercises (budget-chat, lesson 9): the server keeps its own accept loop and starts
// a thread per client, so the plumbing only reads the options, listens and says it is ready.

/// What a threaded exercise server needs to know of its options.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// `--idle-timeout`: how long a client may take to send its name, or to take a line sent to it.
    pub idle_timeout: Duration,
}

/// The options of every threaded exercise server. The default port is each exercise's own.
#[derive(Parser)]
#[command(about = "An exercise server of the socket course (see the top of its file)")]
struct ThreadedOptions {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long)]
    port: u16,

    /// Address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (every network interface),
    /// ::1 (IPv6), or a host name
    #[arg(long, default_value = "127.0.0.1")]
    host: String,

    /// Seconds to wait for a client that sends nothing (or reads nothing) before closing its
    /// connection
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = netlesson::parse_seconds)]
    idle_timeout: Duration,
}

/// For a server that serves many clients at once: reads the options (`--port`, default
/// `default_port`; `--host`; `--idle-timeout`), listens, prints `listening on <ip>:<port>`, and
/// returns the listening socket, for your own accept loop, with the settings.
pub fn listen(default_port: u16) -> Result<(TcpListener, Settings)> {
    // clap keeps defaults as `&'static str`: this one string lives as long as the program.
    let port: &'static str = default_port.to_string().leak();
    let command = ThreadedOptions::command().mut_arg("port", |arg| arg.default_value(port));
    let options = match command
        .try_get_matches()
        .and_then(|matches| ThreadedOptions::from_arg_matches(&matches))
    {
        Ok(options) => options,
        Err(error) => error.exit(),
    };
    let address = netlesson::resolve(&options.host, options.port)?;
    let listener = netlesson::listen(address, THREADED_BACKLOG)?;
    netlesson::announce(&listener)?;
    let settings = Settings {
        idle_timeout: options.idle_timeout,
    };
    Ok((listener, settings))
}

/// How many connections may wait to be accepted: many clients may come at once.
const THREADED_BACKLOG: i32 = 128;
