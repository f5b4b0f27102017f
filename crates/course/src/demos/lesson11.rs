//! Demo 11: http-server and http-get: a page, and a picture saved with `-o`. Scenarios for `lessons/11-http.md`: what Chromium sends (through
//! wiretap), curl keeping one connection for two addresses, requests typed by hand as with
//! `nc` (two in one write), attempts to climb out of the root, a head that arrives too slowly,
//! and a body in chunks read by http-get.
//!
//! The transcripts must be the same on every run, ports and dates aside: each step waits for
//! the server's line about it before the next, and what changes from one machine to another
//! (curl's and Chromium's versions, the header lines browsers add) is masked or left out, and
//! said so.

use std::io::Write as _;
use std::net::TcpListener;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::demo::{Demo, Scenario, Session};
use testkit::client::Conn;
use testkit::procs::{Running, STEP_TIMEOUT, Server};
use testkit::tools::CHROMIUM;

/// `cargo demo 11`.
pub const DEMO: Demo = Demo {
    number: 11,
    title: "the web from sockets: HTTP/1.1",
    lesson: "lessons/11-http.md",
    packages: &["lesson-http"],
    by_hand: &[
        "cargo run --bin http-server   (then open http://127.0.0.1:8000/ in a browser)",
        "cargo run --bin http-get -- http://127.0.0.1:8000/   (or: curl -v http://127.0.0.1:8000/)",
    ],
    script,
};

fn script(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "http-server", &["--port", "0"])?;
    session.show_until("server", &mut server, |line| line.starts_with("serving "))?;
    let base = format!("http://{}", server.address);

    session.say("");
    get(session, &mut server, &[&format!("{base}/")])?;
    session.say("");
    let saved = std::env::temp_dir().join(format!("lesson11-demo-{}", std::process::id()));
    std::fs::create_dir_all(&saved).context("could not create a temporary folder")?;
    let picture = saved.join("picture.png");
    let picture = picture.to_str().context("a UTF-8 temporary path")?;
    let result = get(
        session,
        &mut server,
        &[&format!("{base}/picture.png"), "-o", picture],
    );
    let _ = std::fs::remove_dir_all(&saved);
    result?;
    session.say("");
    session.stop("server", &mut server)
}

/// Runs http-get with `args`, then shows the server's lines about it, up to its closing.
fn get(session: &mut Session, server: &mut Server, args: &[&str]) -> Result<()> {
    session.run_to_end("client", "http-get", args, "")?;
    show_until_closed(session, server)
}

/// Shows the server's lines up to the end of a connection: `closed connection from ...` or a
/// `client ...: problem` line.
fn show_until_closed(session: &mut Session, server: &mut Server) -> Result<()> {
    session.show_until("server", server, |line| {
        line.starts_with("closed connection from ") || line.starts_with("client ")
    })
}

/// `http-browser-request`: what headless Chromium sends for the page, captured by wiretap
/// with `--lines`; then the server's lines about the page, its stylesheet and its picture.
pub const BROWSER_REQUEST: Scenario = Scenario {
    name: "http-browser-request",
    packages: &["lesson-http", "wiretap"],
    script: browser_request,
};

fn browser_request(session: &mut Session) -> Result<()> {
    let chromium = session.require(CHROMIUM, "apt-get install chromium")?;
    let mut server = session.start_server("server", "http-server", &["--port", "0"])?;
    session.show_until("server", &mut server, |line| line.starts_with("serving "))?;
    let to = server.address.to_string();
    let args = ["tcp", "--listen", "127.0.0.1:0", "--to", &to, "--lines"];
    let mut wiretap = session.start_server("wiretap", "wiretap", &args)?;
    session.show_until("wiretap", &mut wiretap, |line| {
        line.starts_with("forwarding ")
    })?;

    let profile = std::env::temp_dir().join(format!("lesson11-chromium-{}", std::process::id()));
    let url = format!("http://{}/", wiretap.address);
    let profile_arg = format!("--user-data-dir={}", profile.display());
    let shot = profile.join("shot.png");
    let shot_arg = format!("--screenshot={}", shot.display());
    let mut args: Vec<&str> = CHROMIUM_FLAGS.to_vec();
    args.extend([profile_arg.as_str(), shot_arg.as_str(), url.as_str()]);
    session.say(&format!(
        "chromium $ chromium {} --user-data-dir=<a new folder> --screenshot=<a file> {url}",
        CHROMIUM_FLAGS.join(" ")
    ));
    let ran = run_to_end(&chromium, &args, Duration::from_secs(60));
    let _ = std::fs::remove_dir_all(&profile);
    let (status, output) = ran?;
    if !status.success() {
        bail!("chromium failed ({status}): {}", output.join("\n"));
    }
    session.say("chromium | (saves a screenshot of the page, and exits)");

    // wiretap's lines about the piece that carries `GET / HTTP/1.1`.
    wiretap.wait_for(|line| line.starts_with("    GET / HTTP/1.1"))?;
    session.say("wiretap | #N client->server +T (the page's request, as Chromium sent it)");
    session.say("wiretap |     GET / HTTP/1.1\\r\\n");
    loop {
        let line = wiretap.next_line()?;
        if !line.starts_with("    ") || line.starts_with("    ...") {
            break;
        }
        if let Some(kept) = stable_browser_line(&line) {
            session.say(&format!("wiretap | {kept}"));
        }
        if line == "    \\r\\n" {
            break;
        }
    }
    session.say(
        "(version numbers are shown as N, and the lines that change from one browser version \
         to the next are left out: sec-ch-ua..., Sec-Fetch-..., Accept-Language, ...)",
    );
    // The rest of wiretap's lines (the answers, the other requests) come in an order that
    // changes from run to run: not shown.
    wiretap.kill()?;
    session.say("wiretap stopped");
    show_requests_in_order(session, &mut server, &["/", "/style.css", "/picture.png"])?;
    server.kill()?;
    session.say("server stopped");
    Ok(())
}

/// Runs `program` with `args` to its end, within `limit`: its exit status and what it printed.
fn run_to_end(
    program: &std::path::Path,
    args: &[&str],
    limit: Duration,
) -> Result<(std::process::ExitStatus, Vec<String>)> {
    let mut running = Running::start(program, args)?;
    running.set_timeout(limit);
    running.close_stdin();
    let finished = running.finish()?;
    Ok((finished.status, finished.rest))
}

/// The flags that run Chromium without a window, as root in a container: no sandbox, no GPU,
/// no first-run screens, nothing fetched in the background.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// A row of Chromium's request as the lesson shows it: the lines every browser sends alike
/// (the version in `User-Agent` masked), or `None` for those that change between versions.
fn stable_browser_line(row: &str) -> Option<String> {
    let line = row.trim_start();
    let name = line.split(':').next().unwrap_or("").to_ascii_lowercase();
    match name.as_str() {
        "host" | "connection" | "accept" | "accept-encoding" | "upgrade-insecure-requests" => {
            Some(row.to_string())
        }
        "user-agent" => Some(mask_versions(row)),
        _ if line == "\\r\\n" => Some(row.to_string()),
        _ => None,
    }
}

/// Every run of digits and dots after a `/` (as in `Chrome/156.0.0.0`, `curl/7.88.1`) as `N`.
fn mask_versions(text: &str) -> String {
    let mut masked = String::new();
    let mut chars = text.chars().peekable();
    while let Some(character) = chars.next() {
        masked.push(character);
        if character == '/' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars
                .peek()
                .is_some_and(|next| next.is_ascii_digit() || *next == '.')
            {
                chars.next();
            }
            masked.push('N');
        }
    }
    masked
}

/// Waits for the server's line about each of `paths` (they may come in any order, on several
/// connections) and shows them in the order of `paths`.
fn show_requests_in_order(
    session: &mut Session,
    server: &mut Running,
    paths: &[&str],
) -> Result<()> {
    let mut found = vec![None; paths.len()];
    while found.iter().any(Option::is_none) {
        let line = server.next_line()?;
        for (index, path) in paths.iter().enumerate() {
            if line.contains(&format!("\"GET {path} HTTP/1.1\"")) {
                found[index] = Some(line.clone());
            }
        }
    }
    for line in found.into_iter().flatten() {
        session.say(&format!("server | {line}"));
    }
    Ok(())
}

/// `http-curl-keep-alive`: `curl -v` fetches two addresses over one connection; its request
/// and response lines, and the server's.
pub const CURL_KEEP_ALIVE: Scenario = Scenario {
    name: "http-curl-keep-alive",
    packages: &["lesson-http"],
    script: curl_keep_alive,
};

fn curl_keep_alive(session: &mut Session) -> Result<()> {
    let curl = session.require(&["curl"], "apt-get install curl")?;
    let mut server = session.start_server("server", "http-server", &["--port", "0"])?;
    session.show_until("server", &mut server, |line| line.starts_with("serving "))?;
    let base = format!("http://{}", server.address);
    let (first, second) = (format!("{base}/"), format!("{base}/style.css"));
    let args = ["-sv", &first, "-o", "/dev/null", &second, "-o", "/dev/null"];
    session.run_outside("curl", &curl, &args, curl_line)?;
    session.say("(curl's lines starting with > are what it sent, < what it received)");
    show_until_closed(session, &mut server)?;
    session.stop("server", &mut server)
}

/// A line of `curl -v` as the lesson shows it: what was sent and received, and the line that
/// says the connection was used again; the other `*` lines (they change between curl
/// versions) are left out.
fn curl_line(line: &str) -> Option<String> {
    if line.starts_with("> User-Agent: ") {
        return Some(mask_versions(line));
    }
    if line.starts_with('>') || line.starts_with('<') {
        return Some(line.to_string());
    }
    line.contains("Re-using existing connection")
        .then(|| "* Re-using existing connection".to_string())
}

/// `http-by-hand`: two requests in one write, as with `nc` (a HEAD and a GET), and each
/// response exactly as it arrives.
pub const BY_HAND: Scenario = Scenario {
    name: "http-by-hand",
    packages: &["lesson-http"],
    script: by_hand,
};

fn by_hand(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "http-server", &["--port", "0"])?;
    session.show_until("server", &mut server, |line| line.starts_with("serving "))?;
    let mut nc = Conn::connect(server.address)?;
    session.say(&format!(
        "nc | connects to {}, as `nc -C` would",
        server.address
    ));
    send(
        session,
        &mut nc,
        "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\nGET /nothing-here HTTP/1.1\r\nHost: localhost\r\n\r\n",
    )?;
    show_response(session, &mut nc, false)?;
    show_response(session, &mut nc, true)?;
    session.show_until("server", &mut server, |line| {
        line.contains("\"GET /nothing-here")
    })?;
    session.say("nc | (Ctrl-C: nc closes the connection)");
    drop(nc);
    show_until_closed(session, &mut server)?;
    session.stop("server", &mut server)
}

/// Sends `request` and says so, with its line ends visible.
fn send(session: &mut Session, nc: &mut Conn, request: &str) -> Result<()> {
    session.say(&format!("nc | sends {}", escaped(request)));
    Ok(nc.send(request.as_bytes())?)
}

/// `text` as a Rust string literal shows it: `\r\n` visible.
fn escaped(text: &str) -> String {
    format!("\"{}\"", text.escape_debug())
}

/// Reads one response and shows it line by line as `nc` prints it; its body is read by its
/// `Content-Length` (unless `with_body` is false: the answer to HEAD has none).
fn show_response(session: &mut Session, nc: &mut Conn, with_body: bool) -> Result<()> {
    let mut length = 0;
    loop {
        let line = read_line(nc)?;
        session.say(format!("nc | {line}").trim_end());
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.trim().parse().context("a Content-Length")?;
        }
        if line.is_empty() {
            break;
        }
    }
    if with_body {
        let body = nc.receive(length)?;
        let body = String::from_utf8(body).context("a text body")?;
        for line in body.lines() {
            session.say(format!("nc | {line}").trim_end());
        }
    }
    Ok(())
}

/// One line of a head, without its `\r\n` (a byte at a time: heads are short).
fn read_line(nc: &mut Conn) -> Result<String> {
    let mut line = Vec::new();
    loop {
        let byte = nc.receive(1).context("no whole line")?;
        if byte == b"\n" {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return String::from_utf8(line).context("a head that is not text");
        }
        line.extend_from_slice(&byte);
    }
}

/// `http-climbing-out`: requests for a file outside the served folder, written plainly and
/// encoded, each on a connection of its own; the first line of each answer and the server's
/// line.
pub const CLIMBING_OUT: Scenario = Scenario {
    name: "http-climbing-out",
    packages: &["lesson-http"],
    script: climbing_out,
};

fn climbing_out(session: &mut Session) -> Result<()> {
    let mut server = session.start_server("server", "http-server", &["--port", "0"])?;
    session.show_until("server", &mut server, |line| line.starts_with("serving "))?;
    session.say(&format!(
        "(each request on a connection of its own to {}, as with nc)",
        server.address
    ));
    for target in [
        "/../../Cargo.toml",
        "/%2e%2e/%2e%2e/Cargo.toml",
        "/%252e%252e/Cargo.toml",
    ] {
        let mut nc = Conn::connect(server.address)?;
        let request = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n");
        send(session, &mut nc, &request)?;
        let status = read_whole_response(&mut nc)?;
        session.say(&format!("nc | {status}   (and the rest of the answer)"));
        drop(nc);
        show_until_closed(session, &mut server)?;
    }
    session.stop("server", &mut server)
}

/// Reads one whole response (its body by its `Content-Length`) and returns its status line.
fn read_whole_response(nc: &mut Conn) -> Result<String> {
    let status = read_line(nc)?;
    let mut length = 0;
    loop {
        let line = read_line(nc)?;
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.trim().parse().context("a Content-Length")?;
        }
        if line.is_empty() {
            break;
        }
    }
    nc.receive(length)?;
    Ok(status)
}

/// `http-slow-header`: a client sends half a head and stops; after `--idle-timeout` (0.3 s
/// here) it gets 408. Then one that sends nothing at all: closed without a word.
pub const SLOW_HEADER: Scenario = Scenario {
    name: "http-slow-header",
    packages: &["lesson-http"],
    script: slow_header,
};

fn slow_header(session: &mut Session) -> Result<()> {
    let args = ["--port", "0", "--idle-timeout", "0.3"];
    let mut server = session.start_server("server", "http-server", &args)?;
    session.show_until("server", &mut server, |line| line.starts_with("serving "))?;
    let mut nc = Conn::connect(server.address)?;
    send(
        session,
        &mut nc,
        "GET / HTTP/1.1\r\nHost: localhost\r\nUser-Ag",
    )?;
    session.say("nc | (sends nothing more)");
    show_response(session, &mut nc, true)?;
    session.say("nc | (the server has closed the connection)");
    drop(nc);
    show_until_closed(session, &mut server)?;
    let silent = Conn::connect(server.address)?;
    session.say("nc | (a second nc connects and sends nothing)");
    show_until_closed(session, &mut server)?;
    drop(silent);
    session.stop("server", &mut server)
}

/// `http-get-chunked`: a server of the script's own answers with a body in chunks, and
/// http-get puts it back together.
pub const GET_CHUNKED: Scenario = Scenario {
    name: "http-get-chunked",
    packages: &["lesson-http"],
    script: get_chunked,
};

/// The answer the fake server sends: a head without a length, then three chunks and the last,
/// empty, one.
const CHUNKED_ANSWER: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n\
    7\r\nHello, \r\n6\r\nchunks\r\n1\r\n\n\r\n0\r\n\r\n";

fn get_chunked(session: &mut Session) -> Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").context("could not listen")?;
    let address = listener.local_addr()?;
    session.say(&format!(
        "server | (a server of this script's, on {address})"
    ));
    let server = thread::spawn(move || -> Result<()> {
        let (mut stream, _) = listener.accept()?;
        stream.set_read_timeout(Some(STEP_TIMEOUT))?;
        // Read the request's head, then answer.
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if std::io::Read::read(&mut stream, &mut byte)? == 0 {
                bail!("the client closed before its request's end");
            }
            head.push(byte[0]);
        }
        stream.write_all(CHUNKED_ANSWER.as_bytes())?;
        Ok(())
    });
    session.say(&format!("server | will send {}", escaped(CHUNKED_ANSWER)));
    session.run("client", "http-get", &[&format!("http://{address}/")], "")?;
    match server.join() {
        Ok(result) => result,
        Err(_) => bail!("the script's server panicked"),
    }
}
