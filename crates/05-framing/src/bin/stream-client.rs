//! Lesson 5, the experiment client: the tutorial's four ways of sending `HelloWorld`.
//!
//! Each `--mode` is one experiment of the Python tutorial ("Advanced Python Programming: TCP"),
//! to run against `stream-server`, which reads once and prints what that read returned:
//!
//! - `whole`: one write of `HelloWorld`. The server prints `:HelloWorld:`.
//! - `split`: `Hello`, a pause, then `World`. The server prints `:Hello:`.
//! - `silent`: connect, pause, close without sending. The server prints `::`.
//! - `merged`: two writes, `Hello` and `World`, one right after the other. Against a server
//!   that is busy when they arrive (`cargo run --bin stream-server -- --read-delay 0.2`),
//!   it prints `:HelloWorld:`.
//!
//! The walkthrough is `lessons/05-framing.md`.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
use netlesson::show::{seconds, show_bytes};
use netlesson::{ClientOptions, Limit, Traced, parse_seconds};

/// The port of lesson 5's servers, from the Advanced Python Programming tutorial.
const PORT: u16 = 8888;

/// Which experiment to run.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// One write of "HelloWorld"
    Whole,
    /// "Hello", then a pause (it ends early once the server has done its read), then "World"
    Split,
    /// Connect, pause, and close without sending anything
    Silent,
    /// Two writes, "Hello" and "World", one right after the other
    Merged,
}

/// Lesson 5's experiment client: sends "HelloWorld" to stream-server in one of the tutorial's
/// ways, to show that TCP delivers bytes, not messages.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port of the server
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    client: ClientOptions,

    /// The experiment to run
    #[arg(long, value_enum, default_value = "whole")]
    mode: Mode,

    /// Seconds to pause: between connecting and closing (silent), or at most between
    /// "Hello" and "World" (split, where the pause ends as soon as the server has read and
    /// closed the connection)
    #[arg(long, value_name = "SECONDS", default_value = "0.5", value_parser = parse_seconds)]
    pause: Duration,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.client.trace);
    let timeout = Limit::timeout(options.client.timeout);
    netlesson::finish(run(&options), Some(timeout))
}

fn run(options: &Options) -> Result<()> {
    let mut server = netlesson::connect(&options.client, options.port, "stream-server")?;
    // Without this, the operating system may hold a small write back for a moment and send
    // it together with the next one (Nagle's algorithm). Switched off, every write leaves at
    // once in its own packet, so what the server reads shows what the *receiving* side does.
    server.get_ref().set_nodelay(true)?;
    println!("connected to {}", server.get_ref().peer_addr()?);
    let pause = options.pause;
    match options.mode {
        Mode::Whole => whole(&mut server),
        Mode::Split => split(&mut server, pause),
        Mode::Silent => silent(pause),
        Mode::Merged => merged(&mut server),
    }
} // <- `server` is dropped here: the connection closes.

// ANCHOR: whole
/// One write of the whole message.
fn whole(server: &mut Traced<TcpStream>) -> Result<()> {
    send_once(server, "HelloWorld")
}
// ANCHOR_END: whole

// ANCHOR: split
/// `Hello`, then wait until the server has done its one read, then `World`.
fn split(server: &mut Traced<TcpStream>, pause: Duration) -> Result<()> {
    send_once(server, "Hello")?;
    // The tutorial sleeps 5 seconds here and hopes the server reads in the meantime. We wait
    // for the proof instead: stream-server closes the connection right after its one read,
    // and then our read returns 0 bytes. `pause` is only the longest we wait for that.
    let most = seconds(pause);
    println!("waiting until the server has read (at most {most})");
    let closed = server_closed_within(server, pause)?;
    if closed {
        println!("the server closed the connection: its one read is over");
    } else {
        println!("the server is still connected after {most}");
    }
    send_once(server, "World")?;
    if closed {
        // Our operating system accepted the bytes and sends them, but the server's side is
        // closed: its operating system throws them away and answers with a reset.
        println!("nobody will read \"World\": the server has closed the connection");
    }
    Ok(())
}
// ANCHOR_END: split

// ANCHOR: silent
/// Connect, send nothing, close.
fn silent(pause: Duration) -> Result<()> {
    println!("sending nothing for {}", seconds(pause));
    thread::sleep(pause);
    println!("closing the connection without sending anything");
    Ok(())
}
// ANCHOR_END: silent

// ANCHOR: merged
/// Two writes, straight after each other.
fn merged(server: &mut Traced<TcpStream>) -> Result<()> {
    send_once(server, "Hello")?;
    send_once(server, "World")
}
// ANCHOR_END: merged

// ANCHOR: send_once
/// One `send`, like the tutorial's `s.send(...)`: a single write call, no loop.
fn send_once(server: &mut Traced<TcpStream>, text: &str) -> Result<()> {
    let sent = server
        .write(text.as_bytes())
        .with_context(|| format!("could not send {text:?}"))?;
    // A write may take only part of the data; with a few bytes and an empty buffer, it takes
    // them all. (send_all, in netlesson's framing helpers, is the loop that makes sure.)
    println!("sent {}", show_bytes(&text.as_bytes()[..sent]));
    Ok(())
}
// ANCHOR_END: send_once

/// Waits up to `pause` for the server to close the connection; true if it did.
fn server_closed_within(server: &mut Traced<TcpStream>, pause: Duration) -> Result<bool> {
    // The close is the reply we wait for now: it must come within `pause`.
    server.set_reply_deadline(Some(pause))?;
    let mut buffer = [0u8; 1024];
    loop {
        match server.read(&mut buffer) {
            Ok(0) => return Ok(true),
            // Not stream-server: something that answers (an echo server, say). Show it.
            Ok(count) => println!("received {}", show_bytes(&buffer[..count])),
            // A read timeout shows up as "would block" on Unix and "timed out" on Windows.
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Ok(false);
            }
            Err(error) => return Err(error).context("could not wait for the server"),
        }
    }
}
