//! Lesson 11, the server: HTTP/1.1 by hand, serving the files of a folder to curl, Python and
//! any browser.
//!
//! Each connection gets a thread of its own, as in lesson 8's threaded-server. On it, the
//! server reads a request head (the request line, header lines, an empty line), checks it,
//! answers with a file (`GET`) or only the head of that answer (`HEAD`), and then reads the next
//! request on the same connection, until the client says `Connection: close`, closes, or sends
//! nothing for `--idle-timeout`. Everything that can be wrong with a request gets its status
//! code: 400, 404, 405, 408, 413, 414, 431, 501, 505, and 503 past `--max-clients`.
//!
//! Run it with `cargo run --bin http-server`, then open <http://127.0.0.1:8000/> in a browser,
//! or `curl -v http://127.0.0.1:8000/`, or `cargo run --bin http-get -- http://127.0.0.1:8000/`.
//! The walkthrough is `lessons/11-http.md`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;
use lesson_http::files::{Found, Site};
use lesson_http::head::{HeadError, read_head};
use lesson_http::request::{ALLOWED, Refusal, Request, Version, decode_path};
use lesson_http::response::{self, Status, error_body};
use lesson_http::timed::Timed;
use netlesson::server::report_client;
use netlesson::show::{count, explain_io, seconds};
use netlesson::{Traced, log, parse_seconds};

/// http-server's port: 8000, the port of Python's `http.server` and of many a development server.
const PORT: u16 = 8000;

/// How many new connections the operating system may queue until the accept loop takes them
/// (a browser opens several at once; see lesson 8).
const BACKLOG: i32 = 1024;

/// The largest request head, request line and header lines together. Browsers send well under
/// 2 KiB; nginx takes lines of up to 8 KiB by default.
const MAX_HEAD: usize = 8 * 1024;

/// Files up to this size are sent with their head in a single write: one system call, one
/// packet for a small file.
const ONE_WRITE: u64 = 64 * 1024;

/// After deciding to close, how long the server goes on reading (and throwing away) what the
/// client still sends, so that closing does not reset the connection (see `close_gently`).
const LINGER: Duration = Duration::from_millis(500);

/// The site shipped with the lesson, from the course's root folder.
const SHIPPED_SITE: &str = "crates/11-http/site";

/// The `Content-Type` of every answer the server writes itself (errors, redirects).
const TEXT: &str = "text/plain; charset=utf-8";

/// Lesson 11's web server: HTTP/1.1, GET and HEAD of the files in a folder, a thread per client.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    /// Address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (every network interface,
    /// so other machines can connect), ::1 (IPv6), or a host name
    #[arg(long, default_value = "127.0.0.1")]
    host: String,

    /// Folder whose files are served; nothing outside it ever is. Default: the lesson's small
    /// site, crates/11-http/site, looked for from the current folder upwards
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,

    /// Seconds a client has to send each request, from when the server starts waiting for it.
    /// A client that sends nothing is closed; one that sent part of a request gets
    /// 408 Request Timeout
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    idle_timeout: Duration,

    /// The most clients served at once; the next one gets 503 Service Unavailable and is closed
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000))]
    max_clients: usize,

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
    let root = root_folder(options.root.as_deref())?;
    let site = Arc::new(Site::new(&root)?);
    let address = netlesson::resolve(&options.host, options.port)?;
    let listener = netlesson::listen(address, BACKLOG)?;
    netlesson::announce(&listener)?;
    log!("serving the files in {}", root.display());

    // How many clients are connected now, for --max-clients (lesson 9's count).
    let connected = Arc::new(AtomicUsize::new(0));
    loop {
        let (client, peer) = netlesson::server::accept(&listener);
        if connected.fetch_add(1, Ordering::SeqCst) >= options.max_clients {
            connected.fetch_sub(1, Ordering::SeqCst);
            turn_away(client, peer, options.max_clients);
            continue;
        }
        log!("accepted connection from {peer}");
        let (site, counted, idle) = (
            Arc::clone(&site),
            Arc::clone(&connected),
            options.idle_timeout,
        );
        let started = thread::Builder::new().spawn(move || {
            let result = serve_connection(client, peer, &site, idle);
            counted.fetch_sub(1, Ordering::SeqCst);
            report_client(peer, result, idle);
        });
        if let Err(error) = started {
            // The closure, and the client's connection in it, are dropped: it is closed.
            connected.fetch_sub(1, Ordering::SeqCst);
            log!("client {peer}: no thread for it: {}", explain_io(&error));
        }
    }
}
// ANCHOR_END: run

// ANCHOR: serve_connection
/// Answers the requests of one connection, one after another, until the client closes it,
/// asks to close it, goes quiet, or sends a request the server refuses.
fn serve_connection(
    client: TcpStream,
    peer: SocketAddr,
    site: &Site,
    idle: Duration,
) -> Result<()> {
    // Each response leaves as soon as it is written (lesson 5: Nagle's algorithm would hold
    // the last small piece back), and a client that stops reading is dropped after `idle`.
    client
        .set_nodelay(true)
        .context("could not set TCP_NODELAY")?;
    client
        .set_write_timeout(Some(idle))
        .context("could not set a timeout")?;
    let connection = Traced::new(client);
    // One buffer for the whole connection: it may hold the start of the next request already.
    let mut incoming = BufReader::new(Timed::new(&connection, Instant::now() + idle));
    let mut answered = 0;
    loop {
        // The whole head of the next request must arrive within `idle`.
        incoming.get_mut().set_deadline(Instant::now() + idle);
        let Some(request) = next_request(&mut incoming, answered, idle)? else {
            return Ok(()); // the client closed, or went quiet, between two requests
        };
        let keep_alive = exchange(&request, &mut incoming, site, peer)?;
        answered += 1;
        if !keep_alive {
            close_gently(&connection);
            return Ok(());
        }
    }
}
// ANCHOR_END: serve_connection

// ANCHOR: next_request
/// Reads and checks the next request's head. `None` when the connection ends normally
/// before one began; an error (after the answer that says why, if any) when it cannot be
/// served.
fn next_request(
    incoming: &mut BufReader<Timed<'_>>,
    answered: u32,
    idle: Duration,
) -> Result<Option<Request>> {
    let connection = incoming.get_ref().connection();
    if answered == 0 && speaks_tls(incoming) {
        let why = "the client began TLS, as for https://: this server speaks http:// only";
        let refusal = Refusal {
            status: Status::BAD_REQUEST,
            why,
        };
        return Err(refuse(connection, refusal, false));
    }
    let head = match read_head(incoming, MAX_HEAD) {
        Ok(head) => head,
        Err(error) => return no_request(error, connection, answered, idle).map(|()| None),
    };
    match Request::parse(head) {
        Ok(request) => Ok(Some(request)),
        Err(refusal) => Err(refuse(connection, refusal, false)),
    }
}
// ANCHOR_END: next_request

/// Whether the connection starts with byte 0x16, which begins a TLS handshake: a client that
/// was given an `https://` address (a browser may switch to one by itself). Its bytes are
/// not a request, and would only get a puzzling 400 or 408.
fn speaks_tls(incoming: &mut BufReader<Timed<'_>>) -> bool {
    // Peek at what has arrived, without taking it; an error is left for `read_head` to report.
    incoming
        .fill_buf()
        .is_ok_and(|arrived| arrived.first() == Some(&0x16))
}

// ANCHOR: exchange
/// Reads the body of `request` (if any), answers it and logs it; returns whether the
/// connection stays open for another request.
fn exchange(
    request: &Request,
    incoming: &mut BufReader<Timed<'_>>,
    site: &Site,
    peer: SocketAddr,
) -> Result<bool> {
    let connection = incoming.get_ref().connection();
    let head_only = request.method == "HEAD";
    let body = match request.body_length() {
        Ok(length) => length,
        Err(refusal) => return Err(refuse(connection, refusal, head_only)),
    };
    // The body is not for us, but it is in the way of the next request: read past it.
    skip_body(incoming, body)?;
    let reply = match decode_path(&request.target) {
        Ok(_) if !head_only && request.method != "GET" => not_allowed(),
        Ok(path) => find(site, &path),
        Err(refusal) => return Err(refuse(connection, refusal, head_only)),
    };
    let keep_alive = request.keep_alive();
    let sent = send_reply(
        connection,
        reply.status,
        reply.fields,
        reply.body,
        Framing {
            head_only,
            keep_alive,
            version: request.version,
        },
    )?;
    let line = format!(
        "{} {} {}",
        request.method,
        request.target,
        request.version.as_str()
    );
    let note = match head_only {
        true => " (HEAD: the head only)",
        false => reply.note.as_str(),
    };
    log!("{peer} \"{line}\" {}, {sent} bytes{note}", reply.status);
    Ok(keep_alive)
}
// ANCHOR_END: exchange

/// An answer, before it is sent.
struct Reply {
    status: Status,
    /// Header fields besides those every response has.
    fields: Vec<(&'static str, String)>,
    body: Body,
    /// What the log line adds: why a file is missing, where a redirect leads.
    note: String,
}

/// What a response carries after its head.
enum Body {
    /// Text the server wrote (an error, a redirect).
    Text(String),
    /// A file, and how many bytes of it to send.
    File(std::fs::File, u64),
}

// ANCHOR: find
/// The answer to a GET or HEAD of `path`: the file, a redirect to a folder's address with its
/// final `/`, or 404.
fn find(site: &Site, path: &lesson_http::request::UrlPath) -> Reply {
    match site.find(path) {
        Found::File {
            file,
            length,
            content_type,
        } => Reply {
            status: Status::OK,
            fields: vec![("Content-Type", content_type.to_string())],
            body: Body::File(file, length),
            note: String::new(),
        },
        Found::Folder { location } => Reply {
            status: Status::MOVED_PERMANENTLY,
            note: format!(" (to {location})"),
            body: Body::Text(error_body(
                Status::MOVED_PERMANENTLY,
                "a folder's address ends with a slash",
            )),
            fields: vec![("Content-Type", TEXT.to_string()), ("Location", location)],
        },
        Found::Missing(why) => Reply {
            status: Status::NOT_FOUND,
            fields: vec![("Content-Type", TEXT.to_string())],
            body: Body::Text(error_body(
                Status::NOT_FOUND,
                "nothing is served at this path",
            )),
            note: format!(" ({why})"),
        },
    }
}
// ANCHOR_END: find

/// The answer to any method but GET and HEAD: 405, and `Allow` says which the server does.
fn not_allowed() -> Reply {
    let why = "this server answers GET and HEAD only";
    Reply {
        status: Status::METHOD_NOT_ALLOWED,
        fields: vec![
            ("Content-Type", TEXT.to_string()),
            ("Allow", ALLOWED.to_string()),
        ],
        body: Body::Text(error_body(Status::METHOD_NOT_ALLOWED, why)),
        note: String::new(),
    }
}

/// How a response is framed: with or without its body, and whether the connection stays open.
struct Framing {
    /// A HEAD request: the head is the same as for GET, `Content-Length` too, but no body follows.
    head_only: bool,
    /// Whether the connection stays open after this response.
    keep_alive: bool,
    /// The request's version: an HTTP/1.0 client that asked to keep the connection is told
    /// `Connection: keep-alive` (in HTTP/1.1, that is the default and goes without saying).
    version: Version,
}

// ANCHOR: send_reply
/// Sends a response: its head (with `Content-Length` and `Connection`), then its body unless
/// the request was HEAD. Returns the number of body bytes sent.
fn send_reply(
    connection: &Traced<TcpStream>,
    status: Status,
    mut fields: Vec<(&'static str, String)>,
    body: Body,
    framing: Framing,
) -> Result<u64> {
    let length = match &body {
        Body::Text(text) => text.len() as u64,
        Body::File(_, length) => *length,
    };
    fields.push(("Content-Length", length.to_string()));
    match (framing.keep_alive, framing.version) {
        (false, _) => fields.push(("Connection", "close".to_string())),
        (true, Version::Http10) => fields.push(("Connection", "keep-alive".to_string())),
        (true, Version::Http11) => {}
    }
    let mut bytes = response::head(status, &fields);
    let mut sending = connection;
    if framing.head_only {
        sending
            .write_all(&bytes)
            .context("could not send the response")?;
        return Ok(0);
    }
    match body {
        Body::Text(text) => bytes.extend_from_slice(text.as_bytes()),
        // A small file goes in the same write as the head, read with one call.
        Body::File(mut file, length) if length <= ONE_WRITE => {
            let head_length = bytes.len();
            bytes.resize(head_length + length as usize, 0);
            file.read_exact(&mut bytes[head_length..])
                .context("could not read the file (did it change meanwhile?)")?;
        }
        Body::File(file, length) => {
            sending
                .write_all(&bytes)
                .context("could not send the response")?;
            return send_file(connection, file, length);
        }
    }
    sending
        .write_all(&bytes)
        .context("could not send the response")?;
    Ok(length)
}
// ANCHOR_END: send_reply

/// Sends `length` bytes of `file`, a piece at a time (the file may be larger than memory).
fn send_file(connection: &Traced<TcpStream>, file: std::fs::File, length: u64) -> Result<u64> {
    let mut sending = connection;
    let sent = io::copy(&mut file.take(length), &mut sending).context("could not send the file")?;
    check_length(length, sent)?;
    Ok(sent)
}

/// A file that shrank while it was sent leaves the client waiting for bytes that will never
/// come: the only honest thing left is to close the connection, which this error does.
fn check_length(announced: u64, sent: u64) -> Result<()> {
    if sent != announced {
        bail!(
            "the file changed while it was sent ({sent} of {announced} bytes): closed the connection"
        );
    }
    Ok(())
}

/// Reads past a request's body of `length` bytes, throwing it away.
fn skip_body(incoming: &mut impl Read, length: u64) -> Result<()> {
    let skipped = io::copy(&mut incoming.take(length), &mut io::sink())
        .context("could not receive the request's body")?;
    if skipped < length {
        bail!(
            "closed the connection in the middle of a request's body ({skipped} of {length} bytes)"
        );
    }
    Ok(())
}

// ANCHOR: no_request
/// How a connection ends when no request head could be read: quietly, when the client closed
/// or went quiet between requests; otherwise with a status if the client can still hear one,
/// and a line in the log.
fn no_request(
    error: HeadError,
    connection: &Traced<TcpStream>,
    answered: u32,
    idle: Duration,
) -> Result<()> {
    let refused = |status, why| Err(refuse(connection, Refusal { status, why }, false));
    match error {
        // Between requests, closing or going quiet is how a keep-alive connection ends.
        HeadError::Closed | HeadError::TimedOut { received: 0 } if answered > 0 => Ok(()),
        HeadError::Closed => bail!("closed the connection without sending a request"),
        HeadError::TimedOut { received: 0 } => {
            bail!("sent no request for {} (--idle-timeout)", seconds(idle))
        }
        HeadError::TimedOut { received } => {
            let status = Status::REQUEST_TIMEOUT;
            let why = "the request did not arrive whole in time";
            answer_and_close(connection, Refusal { status, why }, false)?;
            bail!(
                "sent {received} bytes of a request head, not all of it, in {} (--idle-timeout): \
                 answered {status}",
                seconds(idle)
            )
        }
        HeadError::StartLineTooLong { .. } => refused(
            Status::URI_TOO_LONG,
            "the request line is longer than 8 KiB",
        ),
        HeadError::TooLarge { .. } => refused(
            Status::HEADER_FIELDS_TOO_LARGE,
            "the request head is longer than 8 KiB or has over 100 header lines",
        ),
        HeadError::Malformed(why) => refused(Status::BAD_REQUEST, why),
        HeadError::ClosedEarly { received } => {
            bail!("closed the connection in the middle of a request head ({received} bytes)")
        }
        HeadError::Io(error) => Err(error).context("could not receive a request"),
    }
}
// ANCHOR_END: no_request

// ANCHOR: refuse
/// Answers a request the server will not serve with its status and why, and closes the
/// connection (after a bad request, the server cannot know where the next one would start).
/// Returns what the log line says: `<why>: answered 400 Bad Request`.
fn refuse(connection: &Traced<TcpStream>, refusal: Refusal, head_only: bool) -> anyhow::Error {
    match answer_and_close(connection, refusal, head_only) {
        Ok(()) => anyhow!("{}: answered {}", refusal.why, refusal.status),
        Err(error) => error.context(format!(
            "{} (could not answer {})",
            refusal.why, refusal.status
        )),
    }
}

/// Sends the refusal's status with `why` as its body and `Connection: close`, then closes.
fn answer_and_close(
    connection: &Traced<TcpStream>,
    refusal: Refusal,
    head_only: bool,
) -> Result<()> {
    let body = Body::Text(error_body(refusal.status, refusal.why));
    let framing = Framing {
        head_only,
        keep_alive: false,
        version: Version::Http11,
    };
    let fields = vec![("Content-Type", TEXT.to_string())];
    let sent = send_reply(connection, refusal.status, fields, body, framing);
    close_gently(connection);
    sent.map(|_| ())
}
// ANCHOR_END: refuse

// ANCHOR: close_gently
/// Closes a connection without destroying the last response: says "nothing more" (a
/// half-close, lesson 3), then reads and throws away what the client still sends, for a
/// moment. Closing a socket that has unread bytes makes the kernel send a reset, and a reset
/// can wipe out the response before the client has read it (RFC 9112 9.6).
fn close_gently(connection: &Traced<TcpStream>) {
    let _ = connection.shutdown(Shutdown::Write);
    let mut rest = Timed::new(connection, Instant::now() + LINGER);
    let _ = io::copy(&mut (&mut rest).take(1024 * 1024), &mut io::sink());
}
// ANCHOR_END: close_gently

/// Tells a client that came past `--max-clients` to come back later, and closes its
/// connection.
fn turn_away(client: TcpStream, peer: SocketAddr, max_clients: usize) {
    let status = Status::SERVICE_UNAVAILABLE;
    let body = error_body(
        status,
        "too many clients are connected; try again in a moment",
    );
    let fields = [
        ("Content-Type", TEXT.to_string()),
        ("Content-Length", body.len().to_string()),
        ("Retry-After", "1".to_string()),
        ("Connection", "close".to_string()),
    ];
    let mut bytes = response::head(status, &fields);
    bytes.extend_from_slice(body.as_bytes());
    // A new connection's send buffer is empty, so this write does not wait for the client.
    let outcome = match (&client).write_all(&bytes) {
        Ok(()) => format!("answered {status}"),
        Err(error) => format!("could not answer {status}: {}", explain_io(&error)),
    };
    let _ = client.shutdown(Shutdown::Write);
    let connected = count(max_clients, "client");
    log!("client {peer}: {connected} connected already (--max-clients): {outcome}");
}

/// The folder to serve: `--root`, or the lesson's site, found from the current folder upwards
/// (so that `cargo run --bin http-server` works anywhere in the course).
fn root_folder(root: Option<&Path>) -> Result<PathBuf> {
    if let Some(root) = root {
        return Ok(root.to_path_buf());
    }
    let here = std::env::current_dir().context("could not find the current folder")?;
    for (up, folder) in here.ancestors().enumerate() {
        if folder.join(SHIPPED_SITE).is_dir() {
            return Ok(PathBuf::from(format!("{}{SHIPPED_SITE}", "../".repeat(up))));
        }
    }
    bail!(
        "no --root given, and the lesson's site, {SHIPPED_SITE}, is not under this folder or \
         those above it: run the server from the course's folder, or give --root DIR"
    )
}
