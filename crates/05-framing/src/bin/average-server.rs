//! Lesson 5, the tutorial's exercise: a server that returns the average of a list of numbers.
//!
//! A request is a JSON array of numbers, `[1, 2, 3.5]`, sent as a length-prefixed string
//! (`00000011[1, 2, 3.5]`, the format of the Python tutorial's `send_string`). The reply is
//! the average as a JSON number (`2.1666666666666665`), or, for a request that makes no sense,
//! a JSON object that says why (`{"error":"the list is empty: ..."}`); the connection stays
//! open for the next request either way. Only a broken frame (a bad length header, a message
//! cut short or over `--max-bytes`) ends the connection, because after it nobody can tell
//! where the next request starts. The walkthrough is `lessons/05-framing.md`.

use std::net::TcpStream;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use netlesson::framing::{read_frame, send_string};
use netlesson::show::show_bytes;
use netlesson::{ServerOptions, Traced, log};
use serde_json::{Value, json};

/// The port of lesson 5's servers, from the Advanced Python Programming tutorial.
const PORT: u16 = 8888;

/// The largest message we accept by default (`--max-bytes`): a bigger one is refused before
/// it is stored, so a peer cannot make us use unbounded memory.
const MAX_BYTES: usize = 64 * 1024;

/// Connections the operating system may queue while the server is busy with a client.
const BACKLOG: i32 = 5;

/// Lesson 5's average server: receives JSON arrays of numbers as length-prefixed strings and
/// replies with their average (or a JSON error object), as many requests per connection as
/// the client sends.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    server: ServerOptions,

    /// The largest message, in bytes, accepted from the other side; anything bigger is refused
    #[arg(long, value_name = "BYTES", default_value_t = MAX_BYTES)]
    max_bytes: usize,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

fn run(options: &Options) -> Result<()> {
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    netlesson::announce(&listener)?;
    let max_bytes = options.max_bytes;
    netlesson::serve(&listener, &options.server, |client, _peer| {
        answer_requests(client, max_bytes)
    })?;
    Ok(())
}

// ANCHOR: answer_requests
/// Answers requests from `client` until it closes the connection.
fn answer_requests(client: &mut Traced<TcpStream>, max_bytes: usize) -> Result<()> {
    loop {
        // A broken frame (cut short, a bad header, over --max-bytes) or a socket error ends
        // the connection (`?`): after it, nobody can tell where the next request would start.
        let request = read_frame(client, max_bytes).context("could not receive a request")?;
        // The client closed the connection between two requests: it is done.
        let Some(request) = request else {
            return Ok(());
        };
        // The frame is whole, so whatever is wrong with the request itself, we answer it and
        // carry on with the next one.
        let reply = reply_to(&request);
        log!("request {} -> reply {reply}", show_bytes(&request));
        send_string(client, &reply).context("could not send the reply")?;
    }
}
// ANCHOR_END: answer_requests

/// The reply to one request: the average as a JSON number, or a JSON object saying what is
/// wrong with the request.
fn reply_to(request: &[u8]) -> String {
    let average = match std::str::from_utf8(request) {
        Ok(text) => average_of(text),
        Err(_) => Err("the request is not UTF-8 text".to_string()),
    };
    match average {
        Ok(average) => json!(average),
        Err(problem) => json!({ "error": problem }),
    }
    .to_string()
}

// ANCHOR: average_of
/// The average of the numbers in `request`, a JSON array such as `[1, 2, 3.5]`, or why the
/// request has none.
fn average_of(request: &str) -> Result<f64, String> {
    let value: Value = serde_json::from_str(request)
        .map_err(|error| format!("the request is not JSON: {error}"))?;
    let Value::Array(items) = value else {
        return Err(format!(
            "the request must be a JSON array of numbers, like [1, 2, 3.5], not {}",
            kind(&value)
        ));
    };
    if items.is_empty() {
        return Err("the list is empty: an average needs at least one number".into());
    }
    let mut numbers = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let number = item.as_f64().ok_or_else(|| {
            format!(
                "item {} of the list is {}, not a number",
                index + 1,
                kind(item)
            )
        })?;
        numbers.push(number);
    }
    Ok(mean(&numbers))
}
// ANCHOR_END: average_of

/// The mean of `numbers` (at least one, all finite), without overflowing.
fn mean(numbers: &[f64]) -> f64 {
    let count = numbers.len() as f64;
    let sum: f64 = numbers.iter().sum();
    if sum.is_finite() {
        return sum / count;
    }
    // The sum of huge numbers can pass the largest f64 (about 1.8e308) and become infinite,
    // even though their average is an ordinary number. Dividing each by the count first is
    // not enough: the thirds of three f64::MAX round up and add up to infinity again. So
    // divide each by a power of two at least as large as the count: that only lowers the
    // exponent, so it is exact, and the numbers then add up to at most f64::MAX. Multiplying
    // back by the same power of two at the end is exact too.
    let scale = numbers.len().next_power_of_two() as f64;
    let scaled_sum: f64 = numbers.iter().map(|number| number / scale).sum();
    scaled_sum / count * scale
}

/// What kind of JSON value `value` is, in words: `an object`, `a string`, ...
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_of_a_list_of_numbers() {
        assert_eq!(average_of("[1, 2, 3.5]"), Ok(6.5 / 3.0));
        assert_eq!(average_of("[-4]"), Ok(-4.0));
        assert_eq!(average_of(" [ 1e3 , 3 ] "), Ok(501.5));
    }

    #[test]
    fn huge_numbers_average_without_overflowing() {
        // Two i64::MAX: their sum does not fit an i64, but it is fine as an f64.
        let max = i64::MAX;
        let average = average_of(&format!("[{max}, {max}]")).expect("an average");
        assert_eq!(average, i64::MAX as f64);
        assert_eq!(json!(average).to_string(), "9.223372036854776e+18");
        // Their sum is infinite as an f64; dividing first keeps the average finite.
        assert_eq!(average_of("[1e308, 1e308]"), Ok(1e308));
        assert_eq!(
            average_of("[1.7e308, 1.7e308, -1.7e308]"),
            Ok(1.7e308 / 3.0)
        );
        assert_eq!(mean(&[f64::MAX, f64::MAX]), f64::MAX);
        // Dividing each by 3 first still overflows here: the thirds add up to infinity.
        assert_eq!(mean(&[f64::MAX, f64::MAX, f64::MAX]), f64::MAX);
        assert_eq!(mean(&[-f64::MAX, -f64::MAX, -f64::MAX]), -f64::MAX);
        assert_eq!(mean(&[f64::MAX, f64::MAX, -f64::MAX, -f64::MAX]), 0.0);
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        let error = |request: &str| average_of(request).expect_err("a bad request");
        assert_eq!(
            error("[]"),
            "the list is empty: an average needs at least one number"
        );
        assert_eq!(
            error("[1, \"two\"]"),
            "item 2 of the list is a string, not a number"
        );
        assert_eq!(
            error("{\"a\":1}"),
            "the request must be a JSON array of numbers, like [1, 2, 3.5], not an object"
        );
        assert_eq!(
            error("not json"),
            "the request is not JSON: expected ident at line 1 column 2"
        );
        assert_eq!(
            error("[1e400]"),
            "the request is not JSON: number out of range at line 1 column 6"
        );
    }
}
