//! The plumbing of `udp-pinger` (lesson 7), a client: its options, read into a plain struct,
//! and the `error: ...` line and exit status when the pinger cannot run.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;

/// The pinger's command line.
#[derive(Parser)]
#[command(about = "The udp-pinger exercise of the socket course (see the top of its file)")]
struct Options {
    /// Host of the server: an IP address (127.0.0.1, ::1) or a name (localhost)
    #[arg(long, default_value = "127.0.0.1")]
    host: String,

    /// Port of the server (udp-server's, or wiretap's when it sits in between)
    #[arg(long)]
    port: u16,

    /// How many pings to send
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    count: u32,

    /// Seconds to wait for each reply (decimals allowed: 0.2)
    #[arg(long, value_name = "SECONDS", default_value = "1",
          value_parser = netlesson::parse_seconds)]
    timeout: Duration,
}

/// What the pinger is asked to do.
#[derive(Debug, Clone)]
pub struct PingerOptions {
    /// The server's address, from `--host` and `--port`.
    pub server: SocketAddr,
    /// How many pings to send (`--count`, default 10).
    pub count: u32,
    /// How long to wait for each reply (`--timeout`, default 1 second).
    pub timeout: Duration,
}

/// Reads the options (`--port` defaults to `default_port`), calls `ping` with them, and
/// returns the exit code for `main`: 0, or 1 after printing `error: ...` when `ping` fails.
pub fn run_pinger(default_port: u16, ping: impl FnOnce(&PingerOptions) -> Result<()>) -> ExitCode {
    let options: Options = match crate::parse_options(default_port) {
        Ok(options) => options,
        Err(error) => error.exit(),
    };
    let result = netlesson::resolve(&options.host, options.port)
        .map_err(anyhow::Error::from)
        .and_then(|server| {
            ping(&PingerOptions {
                server,
                count: options.count,
                timeout: options.timeout,
            })
        });
    netlesson::finish(result, None)
}
