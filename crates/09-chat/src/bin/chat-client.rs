//! Lesson 9, the client: join a chat room, type lines to send them, and see what the others say.
//!
//! It does two things at once, so it has two threads: one reads the keyboard and sends each
//! line you type, the other (the main thread) prints every line the server sends as soon as it
//! arrives. With `--name` it sends your name first, so you join without answering the server's
//! question. It ends when the server closes the connection; when your input ends (Ctrl-D), it
//! closes its sending side, and the server lets you out of the room and closes (a server that
//! does not do so within `--timeout` is an error).
//!
//! Start `chat-server` first. `nc 127.0.0.1 7777` is a client too. The walkthrough is
//! `lessons/09-chat.md`.

use std::io::{self, BufRead, BufReader};
use std::net::{Shutdown, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::framing::{read_until_delimiter, send_all};
use netlesson::show::escape_controls;
use netlesson::{ClientOptions, Limit, Traced};

/// chat-server's port.
const PORT: u16 = 7777;

/// The longest line we expect from the server: a 1000-byte message, the sender's name and
/// `[] `, with room to spare.
const MAX_LINE: usize = 2048;

/// Lesson 9's client: chat with everyone else connected to chat-server.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port of the server
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    client: ClientOptions,

    /// Join with this name (1 to 16 letters or digits) instead of typing it at the question
    #[arg(long)]
    name: Option<String>,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.client.trace);
    let timeout = Limit::timeout(options.client.timeout);
    netlesson::finish(run(&options), Some(timeout))
}

// ANCHOR: run
fn run(options: &Options) -> Result<()> {
    let server = netlesson::connect(&options.client, options.port, "chat-server")?;
    // In a chat, silence is normal: wait for the next line as long as it takes. (Sends keep
    // their --timeout: a server that stops reading is an error.)
    server.set_reply_deadline(None)?;
    let server = Arc::new(server);

    if let Some(name) = &options.name {
        send_all(&mut &*server, format!("{name}\n").as_bytes())
            .context("could not send the name")?;
    }

    // The keyboard thread sends what you type; it tells us when your input has ended, and
    // whether it had to stop waiting for the server to let us out.
    let (input_ended, you_left) = mpsc::channel();
    let gave_up = Arc::new(AtomicBool::new(false));
    {
        let server = Arc::clone(&server);
        let gave_up = Arc::clone(&gave_up);
        let patience = options.client.timeout;
        thread::spawn(move || send_typed_lines(&server, input_ended, patience, &gave_up));
    }

    print_arrivals(&server)?;
    if gave_up.load(Ordering::SeqCst) {
        bail!("the server did not close the connection after we left (we stopped waiting)");
    }
    // The server closed the connection. If your input had ended, that was your leaving;
    // otherwise the server closed on its own, and you should know.
    if you_left.try_recv().is_err() {
        println!("(the server closed the connection)");
    }
    Ok(())
}
// ANCHOR_END: run

// ANCHOR: keyboard
/// The keyboard thread: sends each line typed, with its `\n`. At the end of input it closes our
/// sending side, so the server knows we are leaving, and tells the main thread. A server
/// should then close at once; if it has not after `patience` (`--timeout`), this thread shuts
/// the connection down, so that the main thread's read ends, and says so in `gave_up`.
fn send_typed_lines(
    server: &Traced<TcpStream>,
    input_ended: Sender<()>,
    patience: Duration,
    gave_up: &AtomicBool,
) {
    let mut sending = server;
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else {
            break; // stdin failed (not text?): treat it as the end of input
        };
        if send_all(&mut sending, format!("{line}\n").as_bytes()).is_err() {
            return; // the server has gone: the main thread reports it
        }
    }
    let _ = input_ended.send(());
    let _ = server.shutdown(Shutdown::Write);
    // When the server closes in time, the main thread returns and the program ends, this
    // thread with it, in the middle of this sleep.
    thread::sleep(patience);
    gave_up.store(true, Ordering::SeqCst);
    let _ = server.shutdown(Shutdown::Both);
}
// ANCHOR_END: keyboard

// ANCHOR: arrivals
/// Prints each line the server sends, as soon as it arrives, until the server closes.
fn print_arrivals(server: &Traced<TcpStream>) -> Result<()> {
    let mut lines = BufReader::new(server);
    while let Some(line) = read_until_delimiter(&mut lines, b"\n", MAX_LINE)
        .context("could not receive from the server")?
    {
        // Show any bytes, even those that are not UTF-8 text, and control characters escaped
        // (`\x1b` rather than an order to your terminal), whatever server sent them.
        println!("{}", escape_controls(&String::from_utf8_lossy(&line)));
    }
    Ok(())
}
// ANCHOR_END: arrivals
