//! Lesson 4, the student ID client: wait for the server's question, ask it at the keyboard,
//! send the answer.
//!
//! It follows the TA slides' client, `input(s.recv(1000).decode('utf-8'))`: the server's
//! question becomes the prompt, and the line typed on stdin is sent back without its newline.
//! One change: it receives until the question's newline instead of trusting a single receive.
//! Start `id-server` first. The walkthrough is `lessons/04-uppercase.md`.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;
use lesson_uppercase::read_typed_line;
use netlesson::show::show_bytes;
use netlesson::{ClientOptions, Limit};

/// id-server's port, from the TA slides.
const PORT: u16 = 7000;

/// The most bytes we take in one receive, like the original's `recv(1000)`.
const BUFFER_SIZE: usize = 1000;

/// The longest question we accept. A server that sends more without a newline is not asking
/// a question, and we stop rather than fill memory.
const MAX_QUESTION: usize = 1000;

/// Lesson 4's student ID client: answers id-server's question with a line typed on stdin.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port of the server
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    client: ClientOptions,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.client.trace);
    let timeout = Limit::timeout(options.client.timeout);
    netlesson::finish(run(&options), Some(timeout))
}

fn run(options: &Options) -> Result<()> {
    // ANCHOR: exchange
    // The server speaks first, so we connect before anything else and wait for its question.
    let mut server = netlesson::connect(&options.client, options.port, "id-server")?;
    let question = receive_line(&mut server)?;

    // input(question): the question is the prompt, and we wait for you to type the answer.
    let answer = input(&question)?;
    if answer.is_empty() {
        bail!("the answer is empty: type your student ID, then press Enter");
    }

    // send(answer.encode('utf-8')): the answer without its newline, as input() returns it.
    server
        .write_all(answer.as_bytes())
        .context("could not send the answer")?;
    println!("Sent {answer:?}");
    Ok(())
    // ANCHOR_END: exchange
} // <- `server` is dropped here: the connection closes, and the server has our whole answer.

// ANCHOR: receive_line
/// Receives until a newline, which ends the server's question, and returns the question
/// without it.
fn receive_line(server: &mut impl Read) -> Result<String> {
    let mut received = Vec::new();
    let mut buffer = [0u8; BUFFER_SIZE];
    let end = loop {
        if let Some(end) = received.iter().position(|&byte| byte == b'\n') {
            break end;
        }
        // recv(1000): what has arrived so far; the question may come in more than one piece.
        let count = server
            .read(&mut buffer)
            .context("no question from the server")?;
        if count == 0 {
            bail!(
                "the server closed the connection before the end of its question: {}",
                show_bytes(&received)
            );
        }
        received.extend_from_slice(&buffer[..count]);
        if received.len() > MAX_QUESTION {
            bail!("the server sent more than {MAX_QUESTION} bytes without a newline");
        }
    };
    let Ok(question) = String::from_utf8(received[..end].to_vec()) else {
        bail!(
            "the server's question is not UTF-8 text: {}",
            show_bytes(&received)
        );
    };
    Ok(question)
}
// ANCHOR_END: receive_line

// ANCHOR: prompt
/// Shows `question` followed by a space, reads one line from stdin and returns it without its
/// line ending, like Python's `input(question)`.
fn input(question: &str) -> Result<String> {
    // No newline after the question, so that the answer is typed on the same line: flush the
    // question out now, or it would wait in stdout's buffer.
    print!("{question} ");
    io::stdout()
        .flush()
        .context("could not show the question")?;

    // The line typed, without its Enter, as for the uppercase client (see `src/lib.rs`).
    match read_typed_line()? {
        Some(answer) => Ok(answer),
        None => bail!("stdin was closed before an answer was typed (Ctrl-D?): nothing sent"),
    }
}
// ANCHOR_END: prompt
