//! Lesson 5, the tutorial's exercise: a client that asks average-server for an average.
//!
//! `average-client 1 2 3.5` sends the JSON array `[1, 2, 3.5]` as a length-prefixed string and
//! prints the average the server sends back. Without numbers on the command line it reads them
//! from standard input (separated by spaces or newlines). `--json TEXT` sends TEXT as it is
//! instead, as many times as you repeat it, all on one connection: the way to see how the
//! server answers a bad request. The walkthrough is `lessons/05-framing.md`.

use std::io::{IsTerminal, Read};
use std::net::TcpStream;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::framing::{read_string, send_string};
use netlesson::{ClientOptions, Limit, Traced};
use serde_json::Value;

/// The port of lesson 5's servers, from the Advanced Python Programming tutorial.
const PORT: u16 = 8888;

/// The largest message we accept by default (`--max-bytes`): a bigger one is refused before
/// it is stored, so a peer cannot make us use unbounded memory.
const MAX_BYTES: usize = 64 * 1024;

/// Lesson 5's average client: sends a list of numbers to average-server and prints their
/// average.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port of the server
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    client: ClientOptions,

    /// The numbers to average, like 1 2 3.5; without any, they are read from standard input,
    /// separated by spaces or newlines
    #[arg(value_name = "NUMBER", allow_negative_numbers = true)]
    numbers: Vec<String>,

    /// Send TEXT as the request, exactly as given, and print the raw reply (repeat the option
    /// to send several requests on one connection): to see how the server answers bad ones
    #[arg(long, value_name = "TEXT", conflicts_with = "numbers")]
    json: Vec<String>,

    /// The largest message, in bytes, accepted from the other side; anything bigger is refused
    #[arg(long, value_name = "BYTES", default_value_t = MAX_BYTES)]
    max_bytes: usize,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.client.trace);
    let timeout = Limit::timeout(options.client.timeout);
    netlesson::finish(run(&options), Some(timeout))
}

fn run(options: &Options) -> Result<()> {
    if !options.json.is_empty() {
        return send_raw_requests(options);
    }
    let numbers = match options.numbers.is_empty() {
        true => numbers_from_stdin()?,
        false => options.numbers.clone(),
    };
    let request = json_array(&numbers)?;
    let mut server = netlesson::connect(&options.client, options.port, "average-server")?;
    let reply = ask(&mut server, &request, options.max_bytes)?;
    println!("average: {}", average_in(&reply)?);
    Ok(())
}

// ANCHOR: ask
/// Sends `request` as a length-prefixed string and returns the reply.
fn ask(server: &mut Traced<TcpStream>, request: &str, max_bytes: usize) -> Result<String> {
    send_string(server, request).context("could not send the request")?;
    println!("request: {request}");
    read_string(server, max_bytes)
        .context("could not receive the reply")?
        .context("the server closed the connection without replying")
}
// ANCHOR_END: ask

/// The JSON array of `numbers`, checking that each one is a JSON number: `[1, 2, 3.5]`.
fn json_array(numbers: &[String]) -> Result<String> {
    let mut items = Vec::with_capacity(numbers.len());
    for text in numbers {
        // Parsing as a JSON number (not as an f64) keeps big integers exact and refuses
        // what JSON cannot carry, such as `inf` or `NaN`.
        let number: serde_json::Number = text.parse().map_err(|_| {
            anyhow::anyhow!("{text:?} is not a number (write numbers like 3, -2 or 4.5)")
        })?;
        items.push(number.to_string());
    }
    Ok(format!("[{}]", items.join(", ")))
}

/// The average in the server's reply, or the server's error as ours.
fn average_in(reply: &str) -> Result<serde_json::Number> {
    let value: Value = serde_json::from_str(reply)
        .with_context(|| format!("the server's reply {reply:?} is not JSON"))?;
    match value {
        Value::Number(average) => Ok(average),
        Value::Object(object) => match object.get("error").and_then(Value::as_str) {
            Some(problem) => bail!("the server refused the request: {problem}"),
            None => bail!("the server's reply {reply:?} has no \"error\" to explain it"),
        },
        _ => bail!("the server's reply {reply:?} is neither a number nor an error"),
    }
}

/// The numbers typed on (or piped into) standard input.
fn numbers_from_stdin() -> Result<Vec<String>> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("type the numbers, then press Ctrl-D (Ctrl-Z then Enter on Windows)");
    }
    let mut text = String::new();
    stdin
        .read_to_string(&mut text)
        .context("could not read numbers from standard input")?;
    Ok(text.split_whitespace().map(str::to_string).collect())
}

/// `--json`: each text as one request, on one connection, with each raw reply.
fn send_raw_requests(options: &Options) -> Result<()> {
    let mut server = netlesson::connect(&options.client, options.port, "average-server")?;
    for request in &options.json {
        let reply = ask(&mut server, request, options.max_bytes)?;
        println!("reply: {reply}");
    }
    Ok(())
}
