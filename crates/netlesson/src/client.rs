//! The client side: connecting to a server, with a timeout and errors a student can act on.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::show::explain_io;
use crate::{ClientOptions, Error, Traced, trace};

/// Connects to the server at `--host` and `port`, waiting at most `--timeout`, and sets that
/// timeout for every later write and for each whole reply (Python's `settimeout(5)` is per
/// call; here a server that trickles its reply a byte at a time cannot keep the client
/// waiting longer than `--timeout` either: see [`Traced::client`]).
///
/// `server` is the program that should be listening, e.g. `"echo-server"`: when nothing
/// listens, the error says `connection refused (is echo-server running?)`.
/// When a name has several addresses (`localhost` may be `::1` and `127.0.0.1`), each is tried
/// in turn, as Python's `socket.create_connection` does.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Options { #[command(flatten)] client: netlesson::ClientOptions }
///
/// // A port where nothing listens: bound by a socket that never calls listen().
/// let reserved = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
/// reserved.bind(&"127.0.0.1:0".parse::<std::net::SocketAddr>()?.into())?;
/// let port = reserved.local_addr()?.as_socket().map_or(0, |address| address.port());
/// let options = Options::parse_from(["echo-client"]);
/// let error = netlesson::connect(&options.client, port, "echo-server").unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     format!("could not connect to 127.0.0.1:{port}: connection refused (is echo-server running?)")
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn connect(
    options: &ClientOptions,
    port: u16,
    server: &str,
) -> Result<Traced<TcpStream>, Error> {
    let addresses = lookup(&options.host, port)?;
    let mut last_error = None;
    for address in addresses {
        match connect_one(address, options.timeout, server) {
            // Each whole reply within --timeout, not each read (see `Traced::client`).
            Ok(stream) => return Ok(Traced::client(stream, options.timeout)),
            Err(error) => last_error = Some(error),
        }
    }
    Err(last_error.unwrap_or_else(|| Error::Resolve {
        host: options.host.clone(),
        source: std::io::ErrorKind::NotFound.into(),
    }))
}

fn lookup(host: &str, port: u16) -> Result<Vec<SocketAddr>, Error> {
    (host, port)
        .to_socket_addrs()
        .map(Iterator::collect)
        .map_err(|source| Error::Resolve {
            host: host.to_string(),
            source,
        })
}

fn connect_one(address: SocketAddr, timeout: Duration, server: &str) -> Result<TcpStream, Error> {
    let failed = |source| Error::Connect {
        address,
        server: server.to_string(),
        timeout,
        source,
    };
    let stream = match TcpStream::connect_timeout(&address, timeout) {
        Ok(stream) => stream,
        Err(source) => {
            trace!("connect({address}) -> error: {}", explain_io(&source));
            return Err(failed(source));
        }
    };
    trace!("connect({address}) -> ok");
    stream.set_read_timeout(Some(timeout)).map_err(failed)?;
    stream.set_write_timeout(Some(timeout)).map_err(failed)?;
    Ok(stream)
}
