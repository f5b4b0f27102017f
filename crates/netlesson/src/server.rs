//! The server side: a listening socket, the ready line, and the loop that serves clients.

use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};

use socket2::{Domain, Protocol, Socket, Type};

use crate::{Error, ServerOptions, Traced, trace};

/// Creates a TCP socket listening on `address`, step by step as lesson 1 shows:
/// `socket`, `setsockopt(SO_REUSEADDR)`, `bind`, `listen(backlog)`.
///
/// `backlog` is how many connections the operating system may queue while the program is busy
/// with another client (Python's `listen(1)` or `listen(5)`). `SO_REUSEADDR` lets a restarted
/// server bind its port at once, even while connections of its previous run are still in the
/// `TIME_WAIT` state (`std::net::TcpListener::bind` does all four steps in one call and, on
/// Unix, sets `SO_REUSEADDR` too, with a fixed backlog of 128).
///
/// ```
/// let listener = netlesson::listen("127.0.0.1:0".parse()?, 5)?;
/// let address = listener.local_addr()?;
/// assert_ne!(address.port(), 0, "port 0 means: the operating system picks a free port");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn listen(address: SocketAddr, backlog: i32) -> Result<TcpListener, Error> {
    let failed = |source| Error::Listen { address, source };
    let socket = Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )
    .map_err(failed)?;
    socket.set_reuse_address(true).map_err(failed)?;
    socket.bind(&address.into()).map_err(failed)?;
    socket.listen(backlog).map_err(failed)?;
    trace!("socket(), setsockopt(SO_REUSEADDR), bind({address}), listen({backlog}) -> ok");
    Ok(socket.into())
}

/// Prints `listening on <ip>:<port>` with the port actually bound, and flushes it at once.
///
/// This is every server's first line on stdout. With `--port 0` it is the only way to learn
/// which port the operating system chose; tests and the demo runner wait for it instead of
/// sleeping and hoping the server is ready.
///
/// ```
/// let listener = netlesson::listen("127.0.0.1:0".parse()?, 1)?;
/// let address = netlesson::announce(&listener)?; // prints: listening on 127.0.0.1:<port>
/// assert_eq!(address, listener.local_addr()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn announce(listener: &TcpListener) -> Result<SocketAddr, Error> {
    print_ready_line(listener.local_addr())
}

/// [`announce`] for a UDP server: prints `listening on <ip>:<port>` for the socket's address.
///
/// A UDP socket never *listens* (there are no connections to accept: it just receives
/// datagrams once it is bound), but the line is the same for every server of the course,
/// because tests and the demo runner wait for it.
///
/// ```
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let address = netlesson::announce_udp(&socket)?; // prints: listening on 127.0.0.1:<port>
/// assert_eq!(address, socket.local_addr()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn announce_udp(socket: &UdpSocket) -> Result<SocketAddr, Error> {
    print_ready_line(socket.local_addr())
}

fn print_ready_line(address: io::Result<SocketAddr>) -> Result<SocketAddr, Error> {
    let address = address.map_err(|source| Error::Io {
        call: "getsockname",
        source,
    })?;
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "listening on {address}")
        .and_then(|()| stdout.flush())
        .map_err(|source| Error::Io {
            call: "printing the ready line",
            source,
        })?;
    Ok(address)
}

/// Serves clients one after another: accept, `handle`, close, repeat (or stop after one client
/// with `--once`).
///
/// Around each client it prints `accepted connection from <client>`, then either
/// `closed connection from <client>` or, when `handle` failed, one line
/// `client <client>: <what went wrong>`. A client that misbehaves never stops the server:
/// its error is reported, its connection closed, and the next client served.
/// Every connection gets `--idle-timeout` as its read and write timeout, so a client that
/// sends nothing (or never reads) is dropped instead of blocking the server forever.
///
/// The `Traced` stream prints each `recv` and `send` when `--trace` is on.
/// Returns only if `--once` is set or accepting fails for good.
pub fn serve<const PORT: u16>(
    listener: &TcpListener,
    options: &ServerOptions<PORT>,
    mut handle: impl FnMut(&mut Traced<TcpStream>, SocketAddr) -> anyhow::Result<()>,
) -> Result<(), Error> {
    loop {
        let (client, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(error) => {
                // Rare (e.g. the process ran out of file descriptors). A production server would
                // back off briefly here; we report it and keep listening.
                println!("accept failed: {}", crate::report::explain_io(&error));
                continue;
            }
        };
        trace!("accept() -> {peer}");
        println!("accepted connection from {peer}");
        let result = set_timeouts(&client, options).and_then(|()| {
            let mut client = Traced::new(client);
            handle(&mut client, peer)
        });
        report_client(peer, result, options);
        if options.once {
            return Ok(());
        }
    }
}

/// Prints how serving `peer` ended: `closed connection from <peer>`, or one line naming the
/// client and what was wrong with it.
///
/// For servers that write their own accept loop (lesson 1); [`serve`] calls it for you.
///
/// ```
/// # use clap::Parser;
/// # #[derive(clap::Parser)] struct Options { #[command(flatten)] server: netlesson::ServerOptions<1> }
/// let options = Options::parse_from(["server"]).server;
/// let peer = "127.0.0.1:51234".parse()?;
/// netlesson::server::report_client(peer, Ok(()), &options);
/// // prints: closed connection from 127.0.0.1:51234
/// netlesson::server::report_client(peer, Err(anyhow::anyhow!("sent garbage")), &options);
/// // prints: client 127.0.0.1:51234: sent garbage
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn report_client<const PORT: u16>(
    peer: SocketAddr,
    result: anyhow::Result<()>,
    options: &ServerOptions<PORT>,
) {
    match result {
        Ok(()) => println!("closed connection from {peer}"),
        Err(problem) => {
            let idle = Some((options.idle_timeout, "--idle-timeout"));
            println!("client {peer}: {}", crate::describe(&problem, idle));
        }
    }
}

/// Gives a freshly accepted connection the server's `--idle-timeout` for reads and writes.
pub fn set_timeouts<const PORT: u16>(
    client: &TcpStream,
    options: &ServerOptions<PORT>,
) -> anyhow::Result<()> {
    let limit = Some(options.idle_timeout);
    client.set_read_timeout(limit)?;
    client.set_write_timeout(limit)?;
    Ok(())
}

impl<const PORT: u16> ServerOptions<PORT> {
    /// The address to listen on, from `--host` and `--port`.
    pub fn address(&self) -> Result<SocketAddr, Error> {
        crate::resolve(&self.host, self.port)
    }
}
