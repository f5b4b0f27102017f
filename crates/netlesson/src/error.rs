//! The errors `netlesson` returns, each worded so that a student knows what to do next.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// What went wrong while setting up a connection, with the address involved.
///
/// The `Display` text is written for a person: what failed, why, and what to try.
///
/// ```
/// use std::io::{Error as IoError, ErrorKind};
///
/// let refused = netlesson::Error::Connect {
///     address: "127.0.0.1:12345".parse()?,
///     server: "echo-server".into(),
///     timeout: std::time::Duration::from_secs(5),
///     source: IoError::from(ErrorKind::ConnectionRefused),
/// };
/// assert_eq!(
///     refused.to_string(),
///     "could not connect to 127.0.0.1:12345: connection refused (is echo-server running?)"
/// );
///
/// // Refused on another address: maybe the server listens on 127.0.0.1 only.
/// let refused_elsewhere = netlesson::Error::Connect {
///     address: "192.168.1.20:12345".parse()?,
///     server: "echo-server".into(),
///     timeout: std::time::Duration::from_secs(5),
///     source: IoError::from(ErrorKind::ConnectionRefused),
/// };
/// assert_eq!(
///     refused_elsewhere.to_string(),
///     "could not connect to 192.168.1.20:12345: connection refused (is echo-server running? \
///      a server started with the default --host 127.0.0.1 takes connections from this \
///      machine only: start it with --host 0.0.0.0)"
/// );
/// # Ok::<(), std::net::AddrParseError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `--host` names no machine we could find.
    #[error(
        "could not find host `{host}`: {source} (check the spelling, or use an IP address such as 127.0.0.1)"
    )]
    Resolve {
        /// The host name as given.
        host: String,
        /// What the system resolver said.
        source: io::Error,
    },

    /// Creating, configuring, binding or listening on the server socket failed.
    #[error("could not listen on {address}: {}", explain_bind(source))]
    Listen {
        /// The address we tried to listen on.
        address: SocketAddr,
        /// The operating system's error.
        source: io::Error,
    },

    /// Creating or binding a UDP server's socket failed.
    ///
    /// ```
    /// use std::io::{Error as IoError, ErrorKind};
    ///
    /// let taken = netlesson::Error::Bind {
    ///     address: "127.0.0.1:5005".parse()?,
    ///     source: IoError::from(ErrorKind::AddrInUse),
    /// };
    /// assert_eq!(
    ///     taken.to_string(),
    ///     "could not bind 127.0.0.1:5005: address already in use (another program, maybe \
    ///      another copy of this server, is using that port: stop it, or choose another --port)"
    /// );
    /// # Ok::<(), std::net::AddrParseError>(())
    /// ```
    #[error("could not bind {address}: {}", explain_bind_udp(source))]
    Bind {
        /// The address we tried to bind.
        address: SocketAddr,
        /// The operating system's error.
        source: io::Error,
    },

    /// The client could not connect to the server.
    #[error("could not connect to {address}: {}", explain_connect(source, address, server, *timeout))]
    Connect {
        /// The server's address.
        address: SocketAddr,
        /// The name of the program that should be listening there, e.g. `echo-server`.
        server: String,
        /// How long we waited.
        timeout: Duration,
        /// The operating system's error.
        source: io::Error,
    },

    /// Any other socket call failed (`getsockname`, ...).
    #[error("{call} failed: {}", crate::show::explain_io(source))]
    Io {
        /// The call that failed, e.g. `set_read_timeout`.
        call: &'static str,
        /// The operating system's error.
        source: io::Error,
    },
}

fn explain_bind(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::AddrInUse => "address already in use (another program, maybe an earlier \
            copy of this server, is using that port: stop it, or choose another --port; a server \
            that has just stopped can hold its port for a minute while its connections close)"
            .into(),
        io::ErrorKind::AddrNotAvailable => "this machine has no such address (use 127.0.0.1, \
            0.0.0.0 for every interface, or one of this machine's own addresses)"
            .into(),
        io::ErrorKind::PermissionDenied => "permission denied (ports below 1024 are reserved \
            for the administrator: choose a --port above 1023)"
            .into(),
        _ => error.to_string(),
    }
}

/// As [`explain_bind`], without what only TCP does (connections that hold a port after the
/// server stopped): a UDP port is free again as soon as its socket is closed.
fn explain_bind_udp(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::AddrInUse => "address already in use (another program, maybe another \
            copy of this server, is using that port: stop it, or choose another --port)"
            .into(),
        _ => explain_bind(error),
    }
}

fn explain_connect(
    error: &io::Error,
    address: &SocketAddr,
    server: &str,
    timeout: Duration,
) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionRefused if is_loopback(address) => {
            format!("connection refused (is {server} running?)")
        }
        // Through any other address, a server that listens on 127.0.0.1 only refuses too.
        io::ErrorKind::ConnectionRefused => format!(
            "connection refused (is {server} running? a server started with the default \
             --host 127.0.0.1 takes connections from this machine only: start it with \
             --host 0.0.0.0)"
        ),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => format!(
            "no answer within {} (is the address right? is {server} running there, and not \
             too busy to take one more connection? a firewall may be dropping the packets)",
            crate::show::seconds(timeout)
        ),
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => {
            format!(
                "{} (check the --host address and your network)",
                crate::show::explain_io(error)
            )
        }
        // A server that accepts and resets at once: the reset can come before connect returns.
        io::ErrorKind::ConnectionReset => format!(
            "connection reset by the server as soon as it was made (is {server} the program \
             listening there? it may be full or refusing clients)"
        ),
        _ => crate::show::explain_io(error),
    }
}

/// Whether `address` is this machine's loopback address (127.0.0.1, ::1), or 0.0.0.0, which as
/// a destination means the same.
fn is_loopback(address: &SocketAddr) -> bool {
    address.ip().is_loopback() || address.ip().is_unspecified()
}
