//! Lesson 11, the client: fetches one address over HTTP/1.1 and prints the response, as
//! `curl -i` does (or saves its body with `-o FILE`).
//!
//! It connects, sends a GET (or HEAD) request with `Connection: close`, reads the response
//! head, and then the body, whichever way the head frames it (RFC 9112 6.3): `Content-Length`
//! bytes, chunks (`Transfer-Encoding: chunked`), or everything until the server closes. A
//! redirect is shown, and followed only with `--follow`. Every read has `--timeout`, the
//! whole exchange `--deadline`, the body `--max-bytes`; whatever goes wrong is said in words.
//!
//! Run it with `cargo run --bin http-get -- http://127.0.0.1:8000/` while http-server runs.
//! The walkthrough is `lessons/11-http.md`.

use std::fs::{self, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use lesson_http::head::{Head, HeadError, read_head};
use lesson_http::timed::{Timed, is_timeout};
use netlesson::show::{seconds, show_bytes};
use netlesson::{ClientOptions, Traced, parse_seconds};

/// The largest response head accepted, and the longest chunk-size line.
const MAX_HEAD: usize = 64 * 1024;

/// How many redirects `--follow` follows before it suspects a loop.
const MAX_REDIRECTS: usize = 5;

/// Lesson 11's client: fetches an http:// address and prints the response's head and body.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// The address to fetch: http://HOST[:PORT]/PATH (https:// needs TLS, which this course
    /// does not cover). The path is sent as it is written, `..` and all
    // This comment is the --help text, which shows it as it is: `[:PORT]` means "optional"
    // there, not a link to a Rust item as rustdoc would read it.
    #[allow(rustdoc::broken_intra_doc_links)]
    url: String,

    /// Save the body in FILE instead of printing it: only after a 2xx answer, and only once
    /// all of it has arrived (until then it is in a temporary file next to FILE)
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Send HEAD instead of GET: the server answers with the head only
    #[arg(short = 'I', long)]
    head: bool,

    /// Follow redirects (301, 302, 303, 307, 308 with a Location), up to 5
    #[arg(short = 'L', long)]
    follow: bool,

    /// Seconds to wait for the connection, and for each piece of the answer
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_seconds)]
    timeout: Duration,

    /// Seconds the whole exchange may take, redirects included, however the answer trickles in
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds)]
    deadline: Duration,

    /// The largest body accepted, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    max_bytes: u64,

    /// Print every socket call and its result to stderr
    #[arg(long)]
    trace: bool,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.trace);
    netlesson::finish(run(&options), None)
}

// ANCHOR: run
fn run(options: &Options) -> Result<()> {
    let deadline = Instant::now() + options.deadline;
    let mut url = Url::parse(&options.url)?;
    for _ in 0..=MAX_REDIRECTS {
        let redirect = match fetch(&url, options, deadline) {
            Ok(redirect) => redirect,
            Err(error) => return Err(explain_time(error, options, deadline)),
        };
        match redirect {
            Some(location) if options.follow => {
                url = url.join(&location)?;
                eprintln!("(following the redirect to {url})");
            }
            Some(location) => {
                eprintln!("(a redirect to {location}: add --follow to follow it)");
                return Ok(());
            }
            None => return Ok(()),
        }
    }
    bail!("redirected more than {MAX_REDIRECTS} times: the redirects may go round in a loop")
}
// ANCHOR_END: run

// ANCHOR: fetch
/// One exchange: connect, send the request, read and print the head, then the body. Returns
/// where a redirect points, if the answer is one.
fn fetch(url: &Url, options: &Options, deadline: Instant) -> Result<Option<String>> {
    let connection = connect(url, options, deadline)?;
    let method = if options.head { "HEAD" } else { "GET" };
    let request = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: http-get (socket course)\r\n\
         Accept: */*\r\nConnection: close\r\n\r\n",
        url.path, url.authority
    );
    let mut timed = Timed::new(&connection, deadline).with_patience(options.timeout);
    timed
        .write_all(request.as_bytes())
        .context("could not send the request")?;

    let mut answer = BufReader::new(timed);
    let head = read_response_head(&mut answer)?;
    let status = status_of(&head)?;
    print_head(&head)?;
    let framing = framing(&head, &status, options.head)?;
    match &options.output {
        Some(path) if status.is_success() => save(&mut answer, framing, path, options.max_bytes)?,
        Some(path) => bail!(
            "the server answered {status}: nothing saved in {}",
            path.display()
        ),
        None => print_body(&mut answer, framing, &head, options.max_bytes)?,
    }
    Ok(status
        .is_redirect()
        .then(|| head.field("location").map(str::to_string))
        .flatten())
}
// ANCHOR_END: fetch

/// Connects to the URL's host and port, within `--timeout` and the deadline.
fn connect(url: &Url, options: &Options, deadline: Instant) -> Result<Traced<std::net::TcpStream>> {
    let left = deadline.saturating_duration_since(Instant::now());
    let client = ClientOptions {
        host: url.host.clone(),
        timeout: options.timeout.min(left).max(Duration::from_millis(1)),
        trace: options.trace,
    };
    Ok(netlesson::connect(&client, url.port, "a web server")?)
}

/// Reads the response head, skipping any `100 Continue` (an interim answer, RFC 9110 15.2).
fn read_response_head(answer: &mut impl BufRead) -> Result<Head> {
    expect_http_start(answer)?;
    loop {
        let head = read_head(answer, MAX_HEAD).map_err(|error| match error {
            HeadError::Closed => anyhow::anyhow!(
                "the server closed the connection without answering (is it a web server?)"
            ),
            HeadError::StartLineTooLong { limit } => anyhow::anyhow!(
                "the answer is not HTTP: no line ends in its first {limit} bytes (is it a web server?)"
            ),
            HeadError::Io(error) => anyhow::Error::new(error).context("could not receive the answer"),
            HeadError::TimedOut { .. } => anyhow::Error::new(io::Error::from(io::ErrorKind::TimedOut))
                .context("could not receive the answer's head"),
            other => anyhow::anyhow!("the answer's head is not HTTP: {}", other.explain()),
        })?;
        if !head.start_line.starts_with(b"HTTP/1.1 1") {
            return Ok(head);
        }
    }
}

/// Says at once when an answer does not begin with `HTTP/`: an SSH or mail server greets with a
/// line of its own and then waits, so a head of it would never end (we would wait `--timeout`).
fn expect_http_start(answer: &mut impl BufRead) -> Result<()> {
    let start = match answer.fill_buf() {
        Ok(start) => start,
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            return Err(anyhow::Error::new(io::Error::from(io::ErrorKind::TimedOut))
                .context("could not receive the answer's head"));
        }
        Err(error) => return Err(anyhow::Error::new(error).context("could not receive the answer")),
    };
    let seen = start.len().min(5);
    if start[..seen] == b"HTTP/"[..seen] {
        return Ok(()); // HTTP so far (or nothing: read_head says the server closed)
    }
    let first_line = match start.iter().position(|&byte| byte == b'\n') {
        Some(end) => format!(
            "its first line is {}",
            show_bytes(start[..end].trim_ascii_end())
        ),
        None => format!("it begins with {}", show_bytes(start)),
    };
    anyhow::bail!("the answer is not HTTP: {first_line} (is it a web server?)")
}

/// A response's status code and reason phrase.
#[derive(Debug, Clone)]
struct Status {
    code: u16,
    line: String,
}

impl Status {
    fn is_success(&self) -> bool {
        (200..300).contains(&self.code)
    }

    fn is_redirect(&self) -> bool {
        matches!(self.code, 301 | 302 | 303 | 307 | 308)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line)
    }
}

// ANCHOR: status_of
/// Reads the status line, `HTTP/1.1 200 OK`: a version, a space, three digits, a space, words.
fn status_of(head: &Head) -> Result<Status> {
    let not_http = || {
        anyhow::anyhow!(
            "the answer is not HTTP: its first line is {} (is it a web server?)",
            show_bytes(&head.start_line)
        )
    };
    let line = std::str::from_utf8(&head.start_line).map_err(|_| not_http())?;
    let mut parts = line.splitn(3, ' ');
    let (Some(version), Some(code)) = (parts.next(), parts.next()) else {
        return Err(not_http());
    };
    if !version.starts_with("HTTP/1.") || code.len() != 3 {
        return Err(not_http());
    }
    let code: u16 = code.parse().map_err(|_| not_http())?;
    let reason = parts.next().unwrap_or("");
    Ok(Status {
        code,
        line: format!("{code} {reason}").trim_end().to_string(),
    })
}
// ANCHOR_END: status_of

/// Prints the head as it came: the status line, each header line, and the empty line.
fn print_head(head: &Head) -> Result<()> {
    let mut out = io::stdout().lock();
    let mut text = format!("{}\n", String::from_utf8_lossy(&head.start_line));
    for field in &head.fields {
        text.push_str(&format!("{}: {}\n", field.name, field.value));
    }
    text.push('\n');
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|error| printing_failed(error, "could not print the answer"))
}

/// Explains a failed print: a broken pipe here is our stdout's reader gone (`| head`), not the
/// server, which is what a broken pipe on a socket would mean.
fn printing_failed(error: io::Error, what: &str) -> anyhow::Error {
    match error.kind() {
        io::ErrorKind::BrokenPipe => {
            anyhow::anyhow!("{what}: the program reading http-get's output stopped reading")
        }
        _ => anyhow::Error::new(error).context(what.to_string()),
    }
}

/// How the body's end is marked (RFC 9112 6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// No body: an answer to HEAD, a 1xx, 204 or 304.
    None,
    /// Exactly this many bytes (`Content-Length`).
    Length(u64),
    /// Chunks, each behind its size in hex, up to a chunk of size 0 (`Transfer-Encoding: chunked`).
    Chunked,
    /// Everything until the server closes the connection.
    UntilClose,
}

// ANCHOR: framing
/// Where the body ends, from the status and the head (RFC 9112 6.3, in its order).
fn framing(head: &Head, status: &Status, asked_head: bool) -> Result<Framing> {
    if asked_head || status.code < 200 || status.code == 204 || status.code == 304 {
        return Ok(Framing::None);
    }
    if let Some(codings) = head.field("transfer-encoding") {
        let last = codings.rsplit(',').next().unwrap_or("").trim();
        return Ok(match last.eq_ignore_ascii_case("chunked") {
            true => Framing::Chunked,
            false => Framing::UntilClose,
        });
    }
    let mut lengths = head.fields_named("content-length");
    let Some(first) = lengths.next() else {
        return Ok(Framing::UntilClose);
    };
    // Several Content-Length lines must agree, or nobody can tell where the body ends.
    if lengths.any(|other| other != first) || !first.bytes().all(|byte| byte.is_ascii_digit()) {
        bail!("the answer's Content-Length is not one number of bytes: {first:?}");
    }
    let length = first
        .parse()
        .with_context(|| format!("the answer's Content-Length {first:?} is too large"))?;
    Ok(Framing::Length(length))
}
// ANCHOR_END: framing

// ANCHOR: read_body
/// Reads the body, framed as `framing` says, into `sink`; at most `max` bytes.
fn read_body(
    answer: &mut impl BufRead,
    framing: Framing,
    sink: &mut impl Write,
    max: u64,
) -> Result<u64> {
    match framing {
        Framing::None => Ok(0),
        Framing::Length(length) if length > max => {
            bail!("the body would be {length} bytes, more than --max-bytes {max}")
        }
        Framing::Length(length) => {
            let got = copy_at_most(answer, sink, length, max)?;
            if got < length {
                bail!(
                    "the connection closed after {got} of the {length} bytes the Content-Length announced"
                );
            }
            Ok(got)
        }
        Framing::Chunked => read_chunks(answer, sink, max),
        Framing::UntilClose => copy_at_most(answer, sink, u64::MAX, max),
    }
}
// ANCHOR_END: read_body

// ANCHOR: read_chunks
/// Reads a chunked body: `size in hex\r\n`, that many bytes, `\r\n`, again, until a chunk of
/// size 0; then trailer lines up to an empty one. Returns the body's length.
fn read_chunks(answer: &mut impl BufRead, sink: &mut impl Write, max: u64) -> Result<u64> {
    let mut total = 0;
    loop {
        let line = chunk_line(answer).context("could not read a chunk's size")?;
        // `1a;name=value`: the size, then optional extensions, which we ignore.
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = u64::from_str_radix(size_text, 16)
            .ok()
            .filter(|_| !size_text.starts_with('+'))
            .with_context(|| {
                format!(
                    "a chunk's size is not hexadecimal: {}",
                    show_bytes(line.as_bytes())
                )
            })?;
        if size == 0 {
            break;
        }
        if total + size > max {
            bail!("the chunks add up to more than --max-bytes {max}");
        }
        let got = copy_at_most(answer, sink, size, max)?;
        if got < size {
            bail!("the connection closed in the middle of a chunk ({got} of its {size} bytes)");
        }
        total += size;
        if !chunk_line(answer)
            .context("could not read the end of a chunk")?
            .is_empty()
        {
            bail!("a chunk is longer than its size said");
        }
    }
    // Trailer fields, up to the empty line: read and ignored.
    while !chunk_line(answer)
        .context("could not read the trailer")?
        .is_empty()
    {}
    Ok(total)
}
// ANCHOR_END: read_chunks

/// One line of a chunked body (a size, an end of chunk, a trailer), without its `\r\n`.
fn chunk_line(answer: &mut impl BufRead) -> Result<String> {
    let mut line = Vec::new();
    let read = answer.take(MAX_HEAD as u64).read_until(b'\n', &mut line)?;
    if read == 0 {
        bail!("the connection closed before the last chunk (a chunk of size 0)");
    }
    if line.pop() != Some(b'\n') {
        bail!("a line of the chunked body is longer than {MAX_HEAD} bytes");
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line).context("a line of the chunked body is not text")
}

/// Copies up to `wanted` bytes from `answer` into `sink` (fewer if the connection closes
/// first), failing past `max` bytes in all. Returns how many it copied.
fn copy_at_most(
    answer: &mut impl Read,
    sink: &mut impl Write,
    wanted: u64,
    max: u64,
) -> Result<u64> {
    let limit = wanted.min(max.saturating_add(1));
    let copied = io::copy(&mut answer.take(limit), sink).context("could not receive the body")?;
    if copied > max {
        bail!("the body is longer than --max-bytes {max}");
    }
    Ok(copied)
}

// ANCHOR: print_body
/// Prints the body if it is text; otherwise says what it is, and how to save it.
fn print_body(answer: &mut impl BufRead, framing: Framing, head: &Head, max: u64) -> Result<()> {
    let mut body = Vec::new();
    read_body(answer, framing, &mut body, max)?;
    let printable = std::str::from_utf8(&body).is_ok_and(|text| {
        !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    });
    let mut out = io::stdout().lock();
    let printed = match printable {
        true if body.is_empty() || body.ends_with(b"\n") => out.write_all(&body),
        true => out.write_all(&body).and_then(|()| out.write_all(b"\n")),
        false => {
            let kind = head.field("content-type").unwrap_or("an unknown type");
            let note = format!(
                "({} bytes of {kind}, not text: save them with -o FILE)\n",
                body.len()
            );
            out.write_all(note.as_bytes())
        }
    };
    printed
        .and_then(|()| out.flush())
        .map_err(|error| printing_failed(error, "could not print the body"))
}
// ANCHOR_END: print_body

// ANCHOR: save
/// Saves the body in `path`: first in a new temporary file next to it, renamed to `path`
/// only once the whole body has arrived. A transfer cut short leaves no `path` that looks
/// complete (lesson 6's rule); the temporary file is removed.
fn save(answer: &mut impl BufRead, framing: Framing, path: &Path, max: u64) -> Result<()> {
    let partial = partial_name(path)?;
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)
        .with_context(|| format!("could not create {}", partial.display()))?;
    let saved = read_body(answer, framing, &mut file, max)
        .and_then(|length| {
            file.sync_all()
                .map(|()| length)
                .context("could not write the file")
        })
        .and_then(|length| {
            fs::rename(&partial, path)
                .map(|()| length)
                .with_context(|| format!("could not rename it to {}", path.display()))
        });
    match saved {
        Ok(length) => {
            println!("saved {length} bytes in {}", path.display());
            Ok(())
        }
        Err(error) => {
            let _ = fs::remove_file(&partial);
            Err(error.context(format!("nothing saved in {}", path.display())))
        }
    }
}
// ANCHOR_END: save

/// `.NAME.part-PID` in `path`'s folder: a hidden name no one else uses.
fn partial_name(path: &Path) -> Result<PathBuf> {
    let name = path
        .file_name()
        .with_context(|| format!("-o {}: give a file name, not a folder", path.display()))?;
    let partial = format!(".{}.part-{}", name.to_string_lossy(), std::process::id());
    Ok(path.with_file_name(partial))
}

/// Says which time limit a timed-out exchange ran into: the deadline, or a single wait.
fn explain_time(error: anyhow::Error, options: &Options, deadline: Instant) -> anyhow::Error {
    // A connection that timed out is explained already (netlesson's "no answer within 5 s").
    let connecting = error.chain().any(|cause| cause.is::<netlesson::Error>());
    let timed_out = error
        .chain()
        .any(|cause| cause.downcast_ref::<io::Error>().is_some_and(is_timeout));
    if connecting || !timed_out {
        return error;
    }
    let why = match Instant::now() >= deadline {
        true => format!(
            "the whole exchange took longer than {} (--deadline)",
            seconds(options.deadline)
        ),
        false => format!(
            "nothing arrived for {} (--timeout)",
            seconds(options.timeout)
        ),
    };
    // The context says what we were doing; the io error below it is replaced by `why`.
    let doing = error
        .chain()
        .next()
        .map(ToString::to_string)
        .unwrap_or_default();
    anyhow::anyhow!("{doing}: {why}")
}

// ANCHOR: url
/// An http:// address, taken apart: `http://127.0.0.1:8000/a?b` is host `127.0.0.1`, port
/// 8000, path `/a?b`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Url {
    /// The host, without brackets for IPv6 (`::1`).
    host: String,
    port: u16,
    /// `host:port` as written, for the `Host` header.
    authority: String,
    /// The path and query, as written (`/` if there is none).
    path: String,
}

impl Url {
    fn parse(text: &str) -> Result<Url> {
        let Some(rest) = strip_prefix_ignoring_case(text, "http://") else {
            if strip_prefix_ignoring_case(text, "https://").is_some() {
                bail!("{text}: https:// needs TLS, which this course does not cover (use http://)");
            }
            bail!("{text} is not an http:// address (try http://127.0.0.1:8000/)");
        };
        let rest = rest.split('#').next().unwrap_or(rest); // a #fragment stays here
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        let path = match path {
            "" => "/".to_string(),
            query if query.starts_with('?') => format!("/{query}"),
            path => path.to_string(),
        };
        if !path.bytes().all(|byte| byte.is_ascii_graphic()) {
            bail!("{text}: a path may hold visible ASCII only (write a space as %20)");
        }
        let (host, port) = split_host_port(authority)
            .with_context(|| format!("{text} has no valid host[:port]"))?;
        Ok(Url {
            host,
            port,
            authority: authority.to_string(),
            path,
        })
    }

    /// Where a `Location` leads from this address: another http:// address, a path on this
    /// host (`/about/`), or a path relative to this one's folder (`about/`).
    fn join(&self, location: &str) -> Result<Url> {
        if location.contains("://") {
            return Url::parse(location);
        }
        if let Some(rest) = location.strip_prefix("//") {
            return Url::parse(&format!("http://{rest}"));
        }
        let path = match location.starts_with('/') {
            true => location.to_string(),
            false => {
                let folder = self.path.split('?').next().unwrap_or("/");
                let folder = &folder[..folder.rfind('/').map_or(0, |at| at + 1)];
                format!("{folder}{location}")
            }
        };
        Url::parse(&format!("http://{}{path}", self.authority))
    }
}

impl std::fmt::Display for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "http://{}{}", self.authority, self.path)
    }
}
// ANCHOR_END: url

/// `host`, `host:port`, `[::1]` or `[::1]:port`; the port is 80 if not given.
fn split_host_port(authority: &str) -> Option<(String, u16)> {
    if authority.contains('@') {
        return None; // user:password@host: not for this client
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed.split_once(']')?;
            (host, after.strip_prefix(':'))
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port = match port {
        Some(port) => port.parse().ok()?,
        None => 80,
    };
    (!host.is_empty()).then(|| (host.to_string(), port))
}

fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let start = text.get(..prefix.len())?;
    start
        .eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}
