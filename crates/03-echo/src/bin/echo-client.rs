//! Lesson 3, the client: send a message to an echo server and check that it comes back.
//!
//! It sends `Hello, world` (or `--message`), closes its sending side so that the server knows
//! the message is complete, reads the whole echo and prints it. With `--interactive` it sends
//! each line you type and prints its echo, like a tiny terminal.
//!
//! One thread sends while the main thread receives. A client that sent everything before
//! reading anything would get stuck on a large message: see "Why two threads" in
//! `lessons/03-echo.md`. Start `echo-server` first.

use std::io::{self, BufRead, Read};
use std::net::{Shutdown, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::framing::send_all;
use netlesson::show::{count, show_bytes};
use netlesson::{ClientOptions, Limit, Traced};

/// echo-server's port, from the bogotobogo tutorial.
const PORT: u16 = 12345;

/// How many bytes past the echo we read, at most, before giving up on a server that sends
/// more than it received.
const MAX_EXTRA: usize = 1024;

/// How many of those extra bytes the error shows.
const SHOWN_EXTRA: usize = 64;

/// Lesson 3's client: sends a message to echo-server and prints the echo.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port of the server
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    client: ClientOptions,

    /// The message to send
    #[arg(long, default_value = "Hello, world", conflicts_with = "interactive")]
    message: String,

    /// Send the message this many times in a row, as one long message (try 1000000 to send
    /// more than the connection's buffers hold)
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        conflicts_with = "interactive",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000_000)
    )]
    repeat: usize,

    /// Send each line typed on stdin and print its echo, until end of input (Ctrl-D)
    #[arg(long)]
    interactive: bool,
}

/// The pieces of data to send, one after another: the message, or each line of stdin.
type Pieces = Box<dyn Iterator<Item = io::Result<Vec<u8>>> + Send>;

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.client.trace);
    let timeout = Limit::timeout(options.client.timeout);
    netlesson::finish(run(&options), Some(timeout))
}

// ANCHOR: run
fn run(options: &Options) -> Result<()> {
    // Connect with a timeout, as lesson 1 did step by step. The connection is shared by two
    // threads, so it lives in an `Arc` (a pointer that several threads can own).
    let server = netlesson::connect(&options.client, options.port, "echo-server")?;
    let server = Arc::new(server);
    println!("Connected to server at {}", server.get_ref().peer_addr()?);

    let pieces: Pieces = if options.interactive {
        println!("Type a line and press Enter to send it; Ctrl-D to finish.");
        Box::new(stdin_lines())
    } else {
        let message = options.message.repeat(options.repeat).into_bytes();
        Box::new(std::iter::once(Ok(message)))
    };

    // The writer thread sends; this thread receives at the same time. The channel carries a
    // copy of each piece from the writer to us, so we know what the echo should be.
    let (to_reader, from_writer) = mpsc::channel();
    let writer = {
        let server = Arc::clone(&server);
        thread::spawn(move || send_pieces(&server, pieces, to_reader))
    };
    receive_echoes(&server, from_writer)?;

    // The writer has finished too (it ended the channel): pass on its error, if it had one.
    match writer.join() {
        Ok(sent) => sent,
        Err(_) => bail!("the sending thread crashed"),
    }
}
// ANCHOR_END: run

// ANCHOR: send
/// The writer: sends each piece, then shuts down our sending side.
fn send_pieces(
    server: &Traced<TcpStream>,
    pieces: Pieces,
    to_reader: Sender<Vec<u8>>,
) -> Result<()> {
    let mut sending = server;
    for piece in pieces {
        let piece = match piece {
            Ok(piece) => piece,
            Err(error) => {
                // Wake the reader (its reads now return 0 bytes) so that we can say why.
                let _ = server.shutdown(Shutdown::Both);
                return Err(error).context("could not read stdin");
            }
        };
        // Tell the reader what is coming *before* sending it, so it reads while we send.
        if to_reader.send(piece.clone()).is_err() {
            break; // the reader has given up; it reports why
        }
        // sendall(data), which also says when a send timed out because the server stopped reading
        send_all(&mut sending, &piece).context("could not send")?;
    }
    // shutdown(SHUT_WR): "I have nothing more to send". The server reads 0 bytes, knows the
    // message is complete, and closes after echoing the rest. We can still receive.
    server
        .shutdown(Shutdown::Write)
        .context("could not shut down the sending side")?;
    Ok(())
} // <- `to_reader` is dropped here: the reader's loop over the pieces ends.
// ANCHOR_END: send

// ANCHOR: receive
/// The reader: reads back exactly the bytes of each piece the writer sent, checks them and
/// prints them; at the end, waits for the server to close the connection.
fn receive_echoes(server: &Traced<TcpStream>, from_writer: Receiver<Vec<u8>>) -> Result<()> {
    let mut receiving = server;
    for piece in from_writer {
        // recv, as often as needed: the echo may come back in several parts.
        let mut echo = vec![0u8; piece.len()];
        receiving
            .read_exact(&mut echo)
            .context("could not receive the echo")?;
        if echo != piece {
            let at = echo.iter().zip(&piece).take_while(|(a, b)| a == b).count();
            bail!("the echo differs from what we sent, from byte {at} on");
        }
        println!("Received {}", show_bytes(&echo));
    }

    // Everything came back. The writer has shut down our sending side, so the server reads
    // 0 bytes and closes: our read returns 0 bytes too (end of stream). We read at most
    // MAX_EXTRA bytes more: a server that kept on sending would otherwise keep us reading
    // (and storing) for ever.
    let mut extra = Vec::new();
    receiving
        .take(MAX_EXTRA as u64)
        .read_to_end(&mut extra)
        .context("the server did not close the connection")?;
    if extra.len() == MAX_EXTRA {
        bail!(
            "the server sent more than we sent and kept on sending (we stopped reading after \
             {MAX_EXTRA} extra bytes), starting with {}",
            show_bytes(&extra[..SHOWN_EXTRA])
        );
    }
    if !extra.is_empty() {
        bail!(
            "the server sent {} more than we sent: {}",
            count(extra.len(), "byte"),
            show_bytes(&extra)
        );
    }
    Ok(())
}
// ANCHOR_END: receive

/// Each line of stdin, with its newline (the last line may have none); any bytes, not only
/// UTF-8.
fn stdin_lines() -> impl Iterator<Item = io::Result<Vec<u8>>> {
    std::iter::from_fn(|| {
        let mut line = Vec::new();
        match io::stdin().lock().read_until(b'\n', &mut line) {
            Ok(0) => None,
            Ok(_) => Some(Ok(line)),
            Err(error) => Some(Err(error)),
        }
    })
}
