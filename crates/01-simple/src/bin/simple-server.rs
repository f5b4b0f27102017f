//! Lesson 1, the server: the simplest TCP server there is.
//!
//! It waits for a client, receives one message (at most 1024 bytes), prints it, sends the same
//! bytes back and closes the connection; then it waits for the next client. Every socket call of
//! the Python original (Tutorial 5) appears here one to one: create, bind and listen once, then
//! accept, receive, send and close for each client. Around them is what makes it robust: options,
//! errors that say what to do, timeouts, and a server that outlives any client.
//!
//! Run it with `cargo run --bin simple-server`, then `cargo run --bin simple-client` in a second
//! terminal. The walkthrough is `lessons/01-simple-server.md`.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::show::hex;
use netlesson::{ServerOptions, Traced, log, trace};
use socket2::{Domain, Protocol, Socket, Type};

/// simple-server's port, from the Python original (Tutorial 5).
const PORT: u16 = 50000;

/// The most bytes we take in one receive, like the original's `recv(1024)`.
const BUFFER_SIZE: usize = 1024;

/// How many connections the operating system may queue while we serve one client, like
/// the original's `listen(1)`.
const BACKLOG: i32 = 1;

/// Lesson 1's server: receives one message from each client, prints it and sends it back.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    server: ServerOptions,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

fn run(options: &Options) -> Result<()> {
    let address = options.server.address(options.port)?;
    let listener = match create_listening_socket(address) {
        Ok(listener) => listener,
        // Say which address, and what to do about it (netlesson::Error explains each error).
        Err(source) => return Err(netlesson::Error::Listen { address, source }.into()),
    };
    trace!("socket(), setsockopt(SO_REUSEADDR), bind({address}), listen({BACKLOG}) -> ok");
    netlesson::announce(&listener)?;
    let server = &options.server;
    // ANCHOR: loop
    loop {
        // accept() waits until a client connects. It returns a *new* socket, used only to talk
        // to that client, and the client's address; `listener` stays open for the next client.
        let (client, address) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(error) => {
                log!("accept failed: {error}");
                continue;
            }
        };
        trace!("accept() -> {address}");
        log!("accepted connection from {address}");

        // One client's mistakes must never stop the server: report them and go on. Nor may a
        // client keep it longer than --client-deadline: a watchdog closes the connection then.
        let deadline = netlesson::server::Deadline::start(&client, server.client_deadline);
        let result = deadline.finish(answer(client, address, server.idle_timeout));
        netlesson::server::report_client(address, result, server.idle_timeout);

        if server.once {
            return Ok(());
        }
    }
    // ANCHOR_END: loop
}

/// Creates the listening socket, one call per step of the Python original.
fn create_listening_socket(address: SocketAddr) -> io::Result<TcpListener> {
    // ANCHOR: create
    // socket(AF_INET, SOCK_STREAM): a TCP socket for IPv4 (or IPv6 if --host is an IPv6 address).
    let socket = Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    // ANCHOR_END: create

    // ANCHOR: reuse
    // SO_REUSEADDR: allow binding the port even while connections from a previous run of the
    // server linger in the TIME_WAIT state, so a restarted server starts at once.
    socket.set_reuse_address(true)?;
    // ANCHOR_END: reuse

    // ANCHOR: bind
    // bind((host, port)): claim the address and port that clients will connect to.
    socket.bind(&address.into())?;
    // ANCHOR_END: bind

    // ANCHOR: listen
    // listen(1): start accepting connections; about BACKLOG more may wait in a queue.
    socket.listen(BACKLOG)?;

    // From here on, std's TcpListener does the rest (accept). `TcpListener::bind(address)` would
    // have done socket, SO_REUSEADDR, bind and listen in one call, with a backlog of 128.
    Ok(TcpListener::from(socket))
    // ANCHOR_END: listen
}

// ANCHOR: answer
/// Receives one message from `client`, prints it and sends it back.
/// The connection is closed when `client` is dropped, at the end of this function.
fn answer(client: TcpStream, address: SocketAddr, idle_timeout: Duration) -> Result<()> {
    // A client that connects and then sends nothing must not block the server forever.
    netlesson::server::set_timeouts(&client, idle_timeout)?;
    let mut client = Traced::new(client);

    // recv(1024): wait until some bytes arrive, then take what is there, at most 1024 bytes.
    let mut buffer = [0u8; BUFFER_SIZE];
    let received = client.read(&mut buffer).context("could not receive")?;
    let data = &buffer[..received];
    if data.is_empty() {
        bail!("closed the connection without sending anything");
    }

    // The bytes are meant to be UTF-8 text; say so if they are not, rather than crash.
    let Ok(text) = std::str::from_utf8(data) else {
        bail!("sent data that is not UTF-8 text: {}", hex(data));
    };
    log!("Received {text:?} from {address}");

    // sendall(data): send every byte back. `write_all` keeps calling send until all are sent.
    client.write_all(data).context("could not send the reply")?;
    Ok(())
} // <- `client` is dropped here, which closes the socket: Python's client_socket.close().
// ANCHOR_END: answer
