//! The command-line options every server and client of the course shares.
//!
//! Each lesson flattens one of these into its own `clap` options, choosing its default port with
//! the const parameter: `ServerOptions<50000>` is "a server whose default port is 50000".

use std::time::Duration;

/// Options of every server: where to listen, how long to wait for a quiet client, and tracing.
///
/// ```
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Options {
///     #[command(flatten)]
///     server: netlesson::ServerOptions<50000>,
/// }
///
/// let options = Options::parse_from(["simple-server", "--port", "0", "--once"]);
/// assert_eq!(options.server.host, "127.0.0.1");
/// assert_eq!(options.server.port, 0);
/// assert!(options.server.once);
/// assert_eq!(options.server.idle_timeout.as_secs(), 10);
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct ServerOptions<const PORT: u16> {
    /// Address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (every network interface,
    /// so other machines can connect), ::1 (IPv6), or a host name
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    pub port: u16,

    /// Serve a single client, then exit (servers normally serve clients until you press Ctrl-C)
    #[arg(long)]
    pub once: bool,

    /// Seconds to wait for a client that sends nothing before closing its connection
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    pub idle_timeout: Duration,

    /// Print every socket call and its result to stderr
    #[arg(long)]
    pub trace: bool,
}

/// Options of every client: which server to reach, how long to wait, and tracing.
///
/// ```
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Options {
///     #[command(flatten)]
///     client: netlesson::ClientOptions<12345>,
/// }
///
/// let options = Options::parse_from(["echo-client", "--timeout", "0.5"]);
/// assert_eq!(options.client.port, 12345);
/// assert_eq!(options.client.timeout.as_millis(), 500);
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct ClientOptions<const PORT: u16> {
    /// Host of the server: an IP address (127.0.0.1, ::1) or a name (localhost)
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Port of the server
    #[arg(long, default_value_t = PORT)]
    pub port: u16,

    /// Seconds to wait for the connection and for each reply before giving up
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_seconds)]
    pub timeout: Duration,

    /// Print every socket call and its result to stderr
    #[arg(long)]
    pub trace: bool,
}

/// The `--max-bytes` option of programs that collect a whole message before handling it.
///
/// `DEFAULT` is the lesson's default limit. A peer that sends (or announces) a bigger message
/// is refused before the message is stored, so it cannot make the program use unbounded memory.
///
/// ```
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Options {
///     #[command(flatten)]
///     limit: netlesson::LimitOptions<65536>,
/// }
///
/// assert_eq!(Options::parse_from(["server"]).limit.max_bytes, 65536);
/// assert_eq!(Options::parse_from(["server", "--max-bytes", "10"]).limit.max_bytes, 10);
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct LimitOptions<const DEFAULT: usize> {
    /// The largest message, in bytes, accepted from the other side; anything bigger is refused
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT)]
    pub max_bytes: usize,
}

/// Parses a number of seconds such as `10`, `0.5` or `250ms` into a [`Duration`].
///
/// Zero is refused: a zero timeout means "wait forever" to some socket calls and is an error to
/// others, so it is never what the user meant.
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
