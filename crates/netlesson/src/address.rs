//! Turning a `--host` and `--port` into a socket address.

use std::net::{SocketAddr, ToSocketAddrs};

use crate::Error;

/// Looks up `host` and returns the first address for it with `port`.
///
/// `host` may be an IPv4 address (`127.0.0.1`), an IPv6 address (`::1`, no brackets), a name
/// (`localhost`), or the empty string, which means "every interface" (`0.0.0.0`), as `""` does in
/// Python's `bind(("", port))`.
///
/// ```
/// let address = netlesson::resolve("127.0.0.1", 50000)?;
/// assert_eq!(address.to_string(), "127.0.0.1:50000");
///
/// let everywhere = netlesson::resolve("", 8888)?;
/// assert_eq!(everywhere.to_string(), "0.0.0.0:8888");
///
/// let ipv6 = netlesson::resolve("::1", 0)?;
/// assert_eq!(ipv6.to_string(), "[::1]:0");
/// # Ok::<(), netlesson::Error>(())
/// ```
pub fn resolve(host: &str, port: u16) -> Result<SocketAddr, Error> {
    let host = if host.is_empty() { "0.0.0.0" } else { host };
    let lookup_failed = |source| Error::Resolve {
        host: host.to_string(),
        source,
    };
    // `(host, port).to_socket_addrs()` accepts IP literals directly and asks the system resolver
    // (the hosts file, then DNS) for names, like Python's `getaddrinfo` does.
    let mut addresses = (host, port).to_socket_addrs().map_err(lookup_failed)?;
    addresses.next().ok_or_else(|| {
        lookup_failed(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "the name has no address",
        ))
    })
}
