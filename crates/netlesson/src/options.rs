//! The command-line options every server and client of the course shares.
//!
//! Each program flattens one of these into its own `clap` options, next to its own `--port`
//! (every program has its own default port, from the tutorial it ports):
//!
//! ```
//! use clap::Parser;
//!
//! /// echo-server's port, from the bogotobogo tutorial.
//! const PORT: u16 = 12345;
//!
//! #[derive(Parser)]
//! struct Options {
//!     /// Port to listen on; 0 lets the operating system pick a free one
//!     #[arg(long, default_value_t = PORT)]
//!     port: u16,
//!
//!     #[command(flatten)]
//!     server: netlesson::ServerOptions,
//! }
//!
//! let options = Options::parse_from(["echo-server", "--once"]);
//! assert_eq!(options.port, 12345);
//! assert!(options.server.once);
//! ```

use std::net::SocketAddr;
use std::time::Duration;

use crate::Error;

/// Options of every TCP server: where to listen, how long a client may stay quiet or hold the
/// server, and tracing. The port is each program's own option.
///
/// ```
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Options {
///     #[command(flatten)]
///     server: netlesson::ServerOptions,
/// }
///
/// let options = Options::parse_from(["simple-server", "--once", "--idle-timeout", "250ms"]);
/// assert_eq!(options.server.host, "127.0.0.1");
/// assert!(options.server.once);
/// assert_eq!(options.server.idle_timeout.as_millis(), 250);
/// assert_eq!(options.server.client_deadline.as_secs(), 60);
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct ServerOptions {
    /// Address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (every network interface,
    /// so other machines can connect), ::1 (IPv6), or a host name
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Serve a single client, then exit (servers normally serve clients until you press Ctrl-C)
    #[arg(long)]
    pub once: bool,

    /// Seconds to wait for a client that sends nothing (or reads nothing) before closing its
    /// connection
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    pub idle_timeout: Duration,

    /// Seconds one client may hold the server in all, however busy it keeps it, before its
    /// connection is closed so that the next client gets its turn
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = parse_seconds)]
    pub client_deadline: Duration,

    /// Print every socket call and its result to stderr
    #[arg(long)]
    pub trace: bool,
}

impl ServerOptions {
    /// The address to listen on, from `--host` and the program's `port`.
    ///
    /// ```
    /// # use clap::Parser;
    /// # #[derive(clap::Parser)] struct Options { #[command(flatten)] server: netlesson::ServerOptions }
    /// let options = Options::parse_from(["server"]).server;
    /// assert_eq!(options.address(50000)?.to_string(), "127.0.0.1:50000");
    /// # Ok::<(), netlesson::Error>(())
    /// ```
    pub fn address(&self, port: u16) -> Result<SocketAddr, Error> {
        crate::resolve(&self.host, port)
    }
}

/// Options of every TCP client: which host, how long to wait, and tracing. The server's port is
/// each program's own option.
///
/// ```
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Options {
///     #[command(flatten)]
///     client: netlesson::ClientOptions,
/// }
///
/// let options = Options::parse_from(["echo-client", "--timeout", "0.5"]);
/// assert_eq!(options.client.host, "127.0.0.1");
/// assert_eq!(options.client.timeout.as_millis(), 500);
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct ClientOptions {
    /// Host of the server: an IP address (127.0.0.1, ::1) or a name (localhost)
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Seconds to wait for the connection, and for each whole reply (from the first byte
    /// waited for to the last, however slowly it trickles in), before giving up
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_seconds)]
    pub timeout: Duration,

    /// Print every socket call and its result to stderr
    #[arg(long)]
    pub trace: bool,
}

impl ClientOptions {
    /// The server's address, from `--host` and the program's `port` (the first one, if the
    /// name has several).
    pub fn address(&self, port: u16) -> Result<SocketAddr, Error> {
        crate::resolve(&self.host, port)
    }
}

/// Parses a number of seconds such as `10`, `0.5` or `250ms` into a [`Duration`].
///
/// Every duration option of the course's programs takes this form. Zero is refused: a zero
/// timeout means "wait forever" to some socket calls and is an error to others, so it is never
/// what the user meant.
///
/// ```
/// use std::time::Duration;
/// use netlesson::parse_seconds;
///
/// assert_eq!(parse_seconds("10"), Ok(Duration::from_secs(10)));
/// assert_eq!(parse_seconds("0.25"), Ok(Duration::from_millis(250)));
/// assert_eq!(parse_seconds("250ms"), Ok(Duration::from_millis(250)));
/// assert!(parse_seconds("0").is_err());
/// assert!(parse_seconds("soon").is_err());
/// ```
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, scale) = match text.strip_suffix("ms") {
        Some(millis) => (millis, 0.001),
        None => (text.strip_suffix('s').unwrap_or(text), 1.0),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds (try 5, 0.5 or 250ms)"))?;
    let seconds = value * scale;
    if !(seconds > 0.0 && seconds <= 86_400.0) {
        return Err(format!("`{text}` must be more than 0 and at most a day"));
    }
    Ok(Duration::from_secs_f64(seconds))
}
