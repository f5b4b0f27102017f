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
//! `http-file-server` (lesson 11) calls [`serve_site`], which serves a folder, `--root DIR`,
//! with a thread for each client.
//!
//! A server that serves many clients at once (lessons 8 and 9) calls `exercises::listen(PORT)`
//! instead, and runs its own accept loop on the listening socket it returns.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use netlesson::{ServerOptions, Traced};

// kv-server-async (lesson 10) reads and writes lesson 5's strings with tokio.
pub mod frames;
// file-server (lesson 6), udp-pinger (lesson 7) and http-file-server (lesson 11) need
// options of their own.
mod pinger;
mod site;
mod uploads;
pub use pinger::{PingerOptions, run_pinger};
pub use site::serve_site;
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

// Threaded exercises (kv-server-threads, lesson 8; budget-chat, lesson 9): the server keeps its own accept loop and starts
// a thread per client, so the plumbing only reads the options, listens and says it is ready.

/// What a threaded exercise server needs to know of its options.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// `--idle-timeout`: how long a client may take to send its name, or to take a line sent to it.
    pub idle_timeout: Duration,
    /// `--max-clients`: the most clients served at once (64 unless told otherwise; the next one
    /// is told `ERR server full` and closed), for a server started with [`listen_capped`].
    /// [`listen`] has no such option, and no cap: `usize::MAX`.
    pub max_clients: usize,
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

/// The options of a threaded exercise server with a cap on clients (kv-server-threads,
/// kv-server-async).
#[derive(Parser)]
#[command(about = "An exercise server of the socket course (see the top of its file)")]
struct CappedOptions {
    #[command(flatten)]
    threaded: ThreadedOptions,

    /// The most clients served at once; the next one is told `ERR server full` and closed
    #[arg(long, value_name = "N", default_value_t = 64,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    max_clients: usize,
}

/// For a server that serves many clients at once: reads the options (`--port`, default
/// `default_port`; `--host`; `--idle-timeout`), listens, prints `listening on <ip>:<port>`, and
/// returns the listening socket, for your own accept loop, with the settings.
pub fn listen(default_port: u16) -> Result<(TcpListener, Settings)> {
    let options: ThreadedOptions = match parse_options(default_port) {
        Ok(options) => options,
        Err(error) => error.exit(),
    };
    listen_with(&options, usize::MAX)
}

/// [`listen`] for a server that caps how many clients it serves at once: `--max-clients` too.
pub fn listen_capped(default_port: u16) -> Result<(TcpListener, Settings)> {
    let options: CappedOptions = match parse_options(default_port) {
        Ok(options) => options,
        Err(error) => error.exit(),
    };
    listen_with(&options.threaded, options.max_clients)
}

fn listen_with(options: &ThreadedOptions, max_clients: usize) -> Result<(TcpListener, Settings)> {
    let address = netlesson::resolve(&options.host, options.port)?;
    let listener = netlesson::listen(address, THREADED_BACKLOG)?;
    netlesson::announce(&listener)?;
    let settings = Settings {
        idle_timeout: options.idle_timeout,
        max_clients,
    };
    Ok((listener, settings))
}

/// How many connections may wait to be accepted: many clients may come at once.
const THREADED_BACKLOG: i32 = 128;
