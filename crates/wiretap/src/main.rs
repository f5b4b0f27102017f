//! `wiretap`: a proxy to put between any client and server of the course. It shows every byte
//! that crosses the wire and, when asked, disturbs them the way a real network can.
//!
//! ```text
//! client ──> wiretap (--listen) ──> server (--to)
//!        <──                   <──
//! ```
//!
//! - `wiretap tcp --listen 127.0.0.1:9000 --to 127.0.0.1:12345` accepts clients and opens one
//!   connection to the server for each; `--chunk`, `--delay` and `--coalesce` split, slow
//!   down and merge what it forwards (see `tcp.rs`).
//! - `wiretap udp --listen 127.0.0.1:9000 --to 127.0.0.1:5005` forwards datagrams; `--drop`,
//!   `--duplicate` and `--reorder` lose, copy and swap them, repeatably with `--seed` (see
//!   `udp.rs`).
//!
//! The first line is `listening on <ip>:<port>`, like every server of the course; then one line
//! per piece or datagram forwarded and per event (see `log.rs`). The page
//! `lessons/tools-wiretap.md` shows how to use it, and documents the log format.

use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

mod chance;
mod log;
mod tcp;
mod udp;

/// A TCP/UDP proxy that shows the bytes on the wire, and can split, delay, merge, drop,
/// duplicate and reorder them.
#[derive(Parser)]
#[command(version)]
struct Options {
    #[command(subcommand)]
    protocol: Protocol,
}

#[derive(Subcommand)]
enum Protocol {
    /// Forward TCP connections: one connection to the server for each client
    Tcp(tcp::Options),
    /// Forward UDP datagrams: one socket towards the server for each client address
    Udp(udp::Options),
}

/// The options both protocols share: where to listen, where to forward, how to show bytes.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Address to listen on, HOST:PORT (`127.0.0.1:9000`, or `[::1]:9000` for IPv6); port 0 lets
    /// the operating system choose, and the first line says which port it chose
    // This comment is the --help text, which shows it as it is: `[::1]` is an IPv6 address in
    // brackets there, not a link to a Rust item as rustdoc would read it.
    #[allow(rustdoc::broken_intra_doc_links)]
    #[arg(long, value_name = "HOST:PORT", value_parser = parse_address)]
    pub listen: SocketAddr,

    /// Address of the server to forward to, HOST:PORT (e.g. 127.0.0.1:12345)
    #[arg(long, value_name = "HOST:PORT", value_parser = parse_address)]
    pub to: SocketAddr,

    /// Show the bytes as a hexdump (offset, hex, text) instead of as escaped text
    #[arg(long, conflicts_with = "lines")]
    pub hex: bool,

    /// Show text line by line, up to 4096 bytes of each piece, instead of the first 64 bytes
    /// on one line (for protocols made of text lines, such as HTTP)
    #[arg(long)]
    pub lines: bool,
}

impl Common {
    /// How the log shows the bytes, from `--hex` and `--lines`.
    pub fn view(&self) -> log::View {
        match (self.hex, self.lines) {
            (true, _) => log::View::Hex,
            (false, true) => log::View::Lines,
            (false, false) => log::View::Escaped,
        }
    }
}

/// How many log lines may wait for whoever reads the log (see `log.rs`): about 5 MB of lines,
/// so that a reader a little slower than the bytes loses none, and one who stops reading
/// (a paused `less`) never holds up the bytes.
const LOG_QUEUE_LINES: usize = 50_000;

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::log::set_queue_lines(LOG_QUEUE_LINES);
    let result = match &options.protocol {
        Protocol::Tcp(tcp) => tcp::run(tcp),
        Protocol::Udp(udp) => udp::run(udp),
    };
    netlesson::finish(result, None)
}

/// Whether `error` is a read or write timeout running out (which of the two kinds depends on
/// the operating system). For `tcp.rs` and `udp.rs`.
fn is_timeout(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// The duration of `--NAME SECONDS` or else of `--NAME-ms N`; zero when neither was given.
fn either(seconds: Option<Duration>, millis: Option<u64>) -> Duration {
    seconds
        .or(millis.map(Duration::from_millis))
        .unwrap_or_default()
}

/// ` --NAME 5ms` or ` --NAME-ms 5`, as it was given; nothing for a zero or missing duration.
fn as_typed(name: &str, seconds: Option<Duration>, millis: Option<u64>) -> String {
    match (seconds, millis) {
        (Some(duration), _) => format!(" --{name} {}ms", duration.as_micros() as f64 / 1000.0),
        (None, Some(millis)) if millis > 0 => format!(" --{name}-ms {millis}"),
        _ => String::new(),
    }
}

/// Parses `HOST:PORT` (`127.0.0.1:12345`, `localhost:12345`, `[::1]:12345`) into the first
/// address it names.
fn parse_address(text: &str) -> Result<SocketAddr, String> {
    let example = "for example 127.0.0.1:12345, or [::1]:12345 for IPv6";
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(format!("`{text}` is not HOST:PORT ({example})"));
    };
    if port.parse::<u16>().is_err() {
        return Err(format!("`{port}` is not a port number ({example})"));
    }
    let mut addresses = text.to_socket_addrs().map_err(|error| {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        format!("could not find host `{host}`: {error} ({example})")
    })?;
    addresses
        .next()
        .ok_or_else(|| format!("`{host}` has no address ({example})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_host_colon_port_with_brackets_for_ipv6() {
        let parsed = |text: &str| parse_address(text).map(|address| address.to_string());
        assert_eq!(parsed("127.0.0.1:0"), Ok("127.0.0.1:0".to_string()));
        assert_eq!(parsed("[::1]:9000"), Ok("[::1]:9000".to_string()));
        assert!(parsed("localhost:80").is_ok());
        let error = |text: &str| parse_address(text).expect_err("an invalid address");
        assert!(
            error("12345").contains("is not HOST:PORT"),
            "{}",
            error("12345")
        );
        assert!(error("no-such-host.invalid:80").contains("could not find host `no-such-host"));
        assert!(error("127.0.0.1:http").contains("not a port number"));
    }

    #[test]
    fn options_parse_as_the_help_describes() {
        let options = Options::parse_from([
            "wiretap",
            "tcp",
            "--listen",
            "127.0.0.1:0",
            "--to",
            "[::1]:12345",
            "--chunk",
            "1",
        ]);
        let Protocol::Tcp(tcp) = options.protocol else {
            panic!("tcp expected");
        };
        assert_eq!(tcp.common.to.to_string(), "[::1]:12345");
        assert_eq!(tcp.chunk, Some(1));
        assert!(Options::try_parse_from(["wiretap", "tcp", "--to", "127.0.0.1:1"]).is_err());
        assert!(
            Options::try_parse_from([
                "wiretap", "tcp", "--listen", "[::1]:0", "--to", "[::1]:1", "--chunk", "0"
            ])
            .is_err()
        );
        assert!(
            Options::try_parse_from([
                "wiretap", "udp", "--listen", "[::1]:0", "--to", "[::1]:1", "--drop", "1.5"
            ])
            .is_err()
        );
    }
}
