//! The check of `http-file-server` (lesson 11): a web server for the files of `--root`, GET and
//! HEAD, several requests on one connection. Every answer is compared byte for byte (the
//! protocol fixes its header lines and their order); requests come whole, one byte at a time,
//! several in one write, and in every spelling that tries to climb out of the folder; and one
//! step lets Python's `http.client` fetch a page and a picture.

use std::path::Path;
use std::time::Duration;

use checks::{Check, Rule, Step};
use contract::lab::{Failure, Lab, StepResult};
use contract::steps as common;

/// The exercise: its folder is `crates/exercises/http-file-server/`.
pub const CHECK: Check = Check {
    name: "http-file-server",
    info: include_str!("../../exercises/http-file-server/exercise.toml"),
    setup,
    steps: STEPS,
    rules: RULES,
};

/// The rules of the starter's header that its known-bad programs break, each with the step
/// that catches it. (Its header's other rules have steps, but no known-bad program yet.)
pub const RULES: &[Rule] = &[
    Rule {
        rule: "lines that end with `\\r\\n` (a bare `\\n` too)",
        step: "bare-newlines",
        known_bad: &["requires-carriage-returns"],
    },
    Rule {
        rule: "Empty lines before the request line are skipped.",
        step: "empty-lines-first",
        known_bad: &["no-skip-of-empty-lines"],
    },
    Rule {
        rule: "A head longer than 8192 bytes (line ends included) gets 400 at once, without reading \
               past the limit.",
        step: "head-limit",
        known_bad: &["no-head-limit", "limit-without-line-ends"],
    },
    Rule {
        rule: "The request line is `METHOD TARGET VERSION`, one space apart",
        step: "bad-requests",
        known_bad: &["splits-at-any-whitespace"],
    },
    Rule {
        rule: "VERSION is `HTTP/1.1` or `HTTP/1.0`",
        step: "bad-requests",
        known_bad: &["accepts-any-version"],
    },
    Rule {
        rule: "and a head that is not UTF-8, gets 400",
        step: "bad-requests",
        known_bad: &["accepts-a-head-that-is-not-text"],
    },
    Rule {
        rule: "the body's length in BYTES",
        step: "length-in-bytes",
        known_bad: &["length-in-characters"],
    },
    Rule {
        rule: "and its type by extension",
        step: "content-types",
        known_bad: &["everything-is-html"],
    },
    Rule {
        rule: "A target that ends with `/` names that folder's `index.html`.",
        step: "folder-index",
        known_bad: &["no-folder-index"],
    },
    Rule {
        rule: "The query, from `?` on, is ignored.",
        step: "folder-index",
        known_bad: &["keeps-the-query"],
    },
    Rule {
        rule: "HEAD gets exactly the head GET would get (its `Content-Length` too), and no body.",
        step: "head",
        known_bad: &["head-sends-the-body"],
    },
    Rule {
        rule: "a folder named without its `/`",
        step: "not-found",
        known_bad: &["serves-a-folder-without-its-slash"],
    },
    Rule {
        rule: "`Allow: GET, HEAD` in a 405 only",
        step: "other-methods",
        known_bad: &["no-allow-header"],
    },
    Rule {
        rule: "The connection stays open for the next request (HTTP/1.1's keep-alive), until the client \
               closes it.",
        step: "keep-alive",
        known_bad: &["closes-after-each-answer", "not-found-closes"],
    },
    Rule {
        rule: "Requests may come one byte at a time",
        step: "bytewise",
        known_bad: &["expects-whole-lines"],
    },
    Rule {
        rule: "or several in one write; each gets its answer, in order",
        step: "pipelined",
        known_bad: &["new-reader-per-request"],
    },
    Rule {
        rule: "the request said `Connection: close` (any case)",
        step: "connection-close",
        known_bad: &["ignores-connection-close"],
    },
    Rule {
        rule: "it was HTTP/1.0",
        step: "http-1-0",
        known_bad: &["keeps-http-1-0-open"],
    },
    Rule {
        rule: "`%XX` in the path is decoded first",
        step: "encoded-names",
        known_bad: &["no-decoding"],
    },
    Rule {
        rule: "a name that is `..` once decoded, or that holds a `/` (`%2f`), gets 400",
        step: "climbing-out",
        known_bad: &["lets-dot-dot-through"],
    },
    Rule {
        rule: "a file that is really outside the folder (through a symbolic link) gets 404",
        step: "symlink-out",
        known_bad: &["no-canonicalize"],
    },
];

/// The steps, in order.
pub const STEPS: &[Step] = &[
    Step {
        id: "get-a-page",
        name: "GET /index.html: 200, its type, its length, its bytes",
        run: get_a_page,
    },
    Step {
        id: "length-in-bytes",
        name: "Content-Length counts bytes, not characters",
        run: length_in_bytes,
    },
    Step {
        id: "content-types",
        name: "each file's type by its extension, a picture byte for byte",
        run: content_types,
    },
    Step {
        id: "folder-index",
        name: "a target that ends with / serves that folder's index.html; a query is ignored",
        run: folder_index,
    },
    Step {
        id: "not-found",
        name: "nothing to serve: 404 (a missing file, a folder without its /)",
        run: not_found,
    },
    Step {
        id: "other-methods",
        name: "any method but GET and HEAD: 405 with Allow: GET, HEAD",
        run: other_methods,
    },
    Step {
        id: "bad-requests",
        name: "requests that are not HTTP/1.x: 400, and the close",
        run: bad_requests,
    },
    Step {
        id: "head-limit",
        name: "a head over 8192 bytes (line ends included): 400 at once, and the close",
        run: head_limit,
    },
    Step {
        id: "keep-alive",
        name: "three requests on one connection, one after another (a 404 among them)",
        run: keep_alive,
    },
    Step {
        id: "bare-newlines",
        name: "lines ended by a bare \\n, as nc sends them",
        run: bare_newlines,
    },
    Step {
        id: "empty-lines-first",
        name: "empty lines (\\r\\n or \\n) before a request line are skipped",
        run: empty_lines_first,
    },
    Step {
        id: "head",
        name: "HEAD: the head GET would get, and no body",
        run: head,
    },
    Step {
        id: "pipelined",
        name: "three requests in one write: three answers, in order",
        run: pipelined,
    },
    Step {
        id: "bytewise",
        name: "a request sent one byte per write",
        run: bytewise,
    },
    Step {
        id: "connection-close",
        name: "Connection: close (in any case): answered with Connection: close, then the close",
        run: connection_close,
    },
    Step {
        id: "http-1-0",
        name: "HTTP/1.0: answered with Connection: close, then the close",
        run: http_1_0,
    },
    Step {
        id: "encoded-names",
        name: "%XX in the path is decoded: /a%20file.txt is `a file.txt`",
        run: encoded_names,
    },
    Step {
        id: "climbing-out",
        name: "a path with .. in any spelling, or an encoded /: 400, and nothing from outside",
        run: climbing_out,
    },
    Step {
        id: "symlink-out",
        name: "a symbolic link that leads out of --root: 404, and nothing from outside",
        run: symlink_out,
    },
    Step {
        id: "python-http-client",
        name: "Python's http.client: four requests on one connection (passes without python3)",
        run: python_http_client,
    },
    Step {
        id: "closes-at-once",
        name: "a client that connects and closes without sending",
        run: closes_at_once,
    },
    Step {
        id: "resets",
        name: "a client that resets the connection in the middle of a request",
        run: resets,
    },
    Step {
        id: "silent",
        name: "a silent client is dropped after --idle-timeout",
        run: silent,
    },
    Step {
        id: "restarts",
        name: "restarts at once on the same port",
        run: restarts,
    },
];

/// The folder the check serves, in the lab's scratch folder; `secret.txt` lies beside it.
const SITE: &str = "site";

/// The file outside the served folder that no request may read.
const SECRET: &[u8] = b"TOP SECRET: outside --root\n";

/// The files of the check's site: their names under `--root`, and their bytes.
fn site_files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("index.html", INDEX.to_vec()),
        (
            "cafe.html",
            "<p>café: 5 bytes, 4 characters</p>\n".as_bytes().to_vec(),
        ),
        ("style.css", b"p { color: #333; }\n".to_vec()),
        ("notes.txt", b"plain text\n".to_vec()),
        ("data.dat", b"bytes of no known kind\n".to_vec()),
        ("picture.png", picture()),
        ("a file.txt", b"a name with a space\n".to_vec()),
        ("docs/index.html", DOCS.to_vec()),
    ]
}

/// The site's first page: ASCII only.
const INDEX: &[u8] =
    b"<!DOCTYPE html>\n<title>check</title>\n<p>The page the checker asks for.</p>\n";

/// The page of the folder `docs/`.
const DOCS: &[u8] = b"<p>The docs folder's page.</p>\n";

/// A "picture": 3000 bytes of every value, which are not text (a server that sends it as text,
/// or stops at a zero byte, shows).
fn picture() -> Vec<u8> {
    (0..3000_usize)
        .map(|index| {
            (index as u8)
                .wrapping_mul(31)
                .wrapping_add((index >> 8) as u8)
        })
        .collect()
}

/// Writes the site and the secret beside it, with a symbolic link from the site to the
/// secret, and gives the server `--root`.
pub fn setup(lab: &mut Lab) -> StepResult {
    let scratch = lab.scratch_dir()?;
    let site = scratch.join(SITE);
    let written = write_site(&scratch, &site);
    written.map_err(|error| {
        Failure::of_checker(format!("could not write the check's site: {error}"))
    })?;
    lab.add_server_args(&["--root", &site.to_string_lossy()]);
    Ok(())
}

fn write_site(scratch: &Path, site: &Path) -> std::io::Result<()> {
    for (name, bytes) in site_files() {
        let path = site.join(name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::write(path, bytes)?;
    }
    std::fs::write(scratch.join("secret.txt"), SECRET)?;
    std::os::unix::fs::symlink("../secret.txt", site.join("link-out.txt"))
}

/// A GET of `path`, HTTP/1.1, as curl sends it.
fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: check\r\n\r\n").into_bytes()
}

/// The whole answer 200 with `bytes` of `content_type` (without its body when `head_only`).
fn ok(content_type: &str, bytes: &[u8], head_only: bool) -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        bytes.len()
    )
    .into_bytes();
    if !head_only {
        answer.extend_from_slice(bytes);
    }
    answer
}

/// The whole answer with status `status` that the server writes itself (`404 Not Found\n` as
/// plain text), with `Allow` for a 405 and `Connection: close` when `close`.
fn error(status: &str, close: bool) -> Vec<u8> {
    let body = format!("{status}\n");
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n",
        body.len()
    );
    if status.starts_with("405") {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    format!("{head}\r\n{body}").into_bytes()
}

/// The bytes of the site's file `name`.
fn file(name: &str) -> Vec<u8> {
    site_files()
        .into_iter()
        .find(|(file, _)| *file == name)
        .map(|(_, bytes)| bytes)
        .unwrap_or_default()
}

const HTML: &str = "text/html; charset=utf-8";

/// On a new connection, sends `request` and expects `answer` exactly (the connection may stay
/// open); `note` says what the rule is, for the failure.
fn asks(lab: &mut Lab, request: &[u8], answer: &[u8], note: &str) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(request)?;
    conn.expect(answer)
        .map_err(|failure| failure.with_note(note))
}

/// One normal client: GET /index.html, answered exactly.
fn get_a_page(lab: &mut Lab) -> StepResult {
    let note = "The answer is the status line `HTTP/1.1 200 OK`, then `Content-Type:` and \
                `Content-Length:` lines, each ending with \\r\\n, then an empty line (\\r\\n), then \
                the file's bytes; no other header line.";
    asks(lab, &get("/index.html"), &ok(HTML, INDEX, false), note)
}

fn length_in_bytes(lab: &mut Lab) -> StepResult {
    let note = "`é` is 2 bytes in UTF-8: Content-Length is the number of BYTES of the body \
                (`body.len()` of a Vec<u8>), not of characters.";
    asks(
        lab,
        &get("/cafe.html"),
        &ok(HTML, &file("cafe.html"), false),
        note,
    )
}

fn content_types(lab: &mut Lab) -> StepResult {
    for (name, content_type) in [
        ("style.css", "text/css; charset=utf-8"),
        ("notes.txt", "text/plain; charset=utf-8"),
        ("picture.png", "image/png"),
        ("data.dat", "application/octet-stream"),
    ] {
        let note = format!(
            "/{name} is `{content_type}` (by its extension: .html, .css, .txt, .png, anything \
             else application/octet-stream), and its body is the file's bytes exactly."
        );
        asks(
            lab,
            &get(&format!("/{name}")),
            &ok(content_type, &file(name), false),
            &note,
        )?;
    }
    Ok(())
}

fn folder_index(lab: &mut Lab) -> StepResult {
    let note = "A target that ends with `/` names that folder's index.html; the query, from `?` \
                on, is not part of the path.";
    for (target, name) in [
        ("/", "index.html"),
        ("/docs/", "docs/index.html"),
        ("/docs/?x=1", "docs/index.html"),
        ("/style.css?v=2", "style.css"),
    ] {
        let content_type = match name.ends_with(".css") {
            true => "text/css; charset=utf-8",
            false => HTML,
        };
        asks(
            lab,
            &get(target),
            &ok(content_type, &file(name), false),
            note,
        )?;
    }
    Ok(())
}

fn not_found(lab: &mut Lab) -> StepResult {
    let note = "Nothing to serve: 404, with `404 Not Found\\n` as its body, text/plain. A folder \
                named without its final `/` (/docs) is not a file: 404 too.";
    for target in ["/missing.html", "/docs", "/docs/missing/"] {
        asks(lab, &get(target), &error("404 Not Found", false), note)?;
    }
    Ok(())
}

fn other_methods(lab: &mut Lab) -> StepResult {
    let note = "Any method but GET and HEAD gets 405, with the line `Allow: GET, HEAD` after \
                Content-Length (methods are case-sensitive: `get` is not GET).";
    for request in [
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        "DELETE /index.html HTTP/1.1\r\nHost: x\r\n\r\n",
        "get /index.html HTTP/1.1\r\nHost: x\r\n\r\n",
    ] {
        asks(
            lab,
            request.as_bytes(),
            &error("405 Method Not Allowed", false),
            note,
        )?;
    }
    Ok(())
}

/// On a new connection, sends `request` and expects exactly the 400 answer, then the close.
fn refused(lab: &mut Lab, request: &[u8], note: &str) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(request)?;
    conn.expect_then_close(&error("400 Bad Request", true))
        .map_err(|failure| failure.with_note(note))
}

fn bad_requests(lab: &mut Lab) -> StepResult {
    let note = "A request line must be METHOD TARGET VERSION, one space apart, TARGET starting \
                with /, VERSION HTTP/1.1 or HTTP/1.0; each header line holds a `:`; the head is \
                UTF-8. Anything else gets 400 with `Connection: close`, and the server closes.";
    for request in [
        &b"GET /\r\n\r\n"[..],
        b"GET / HTTP/1.1 extra\r\n\r\n",
        b"GET  / HTTP/1.1\r\n\r\n",
        b"GET / HTTP/2.0\r\n\r\n",
        b"GET / http/1.1\r\n\r\n",
        b"GET index.html HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost x\r\n\r\n",
        b"GET /\xff\xfe HTTP/1.1\r\n\r\n",
    ] {
        refused(lab, request, note)?;
    }
    Ok(())
}

fn head_limit(lab: &mut Lab) -> StepResult {
    let note = "A head longer than 8192 bytes gets 400 as soon as the 8193rd byte has come: read \
                through `take`, so that a line that never ends is not read for ever.";
    // A header line that never ends: 100 KB, and no \n.
    let mut request = b"GET / HTTP/1.1\r\nX-Long: ".to_vec();
    request.extend(std::iter::repeat_n(b'x', 100_000));
    refused(lab, &request, note)?;
    let note = "The limit is 8192 bytes, line ends included: a head of exactly 8192 bytes is \
                answered as usual, one of 8193 gets 400.";
    asks(lab, &padded_get(8192), &ok(HTML, INDEX, false), note)?;
    refused(lab, &padded_get(8193), note)
}

/// A GET of /index.html whose head, line ends included, is `size` bytes long.
fn padded_get(size: usize) -> Vec<u8> {
    let start = b"GET /index.html HTTP/1.1\r\nX-Pad: ";
    let end = b"\r\n\r\n";
    let mut request = start.to_vec();
    request.extend(std::iter::repeat_n(b'x', size - start.len() - end.len()));
    request.extend_from_slice(end);
    request
}

fn keep_alive(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    let note = "HTTP/1.1 keeps the connection open for the next request, after a 404 too: answer \
                each request of the connection in turn, until the client closes it.";
    for (request, answer) in [
        (get("/index.html"), ok(HTML, INDEX, false)),
        (get("/missing.html"), error("404 Not Found", false)),
        (
            get("/style.css"),
            ok("text/css; charset=utf-8", &file("style.css"), false),
        ),
    ] {
        conn.send(&request)?;
        conn.expect(&answer)
            .map_err(|failure| failure.with_note(note))?;
    }
    Ok(())
}

fn bare_newlines(lab: &mut Lab) -> StepResult {
    let note = "A line may end with a bare \\n (nc sends those): drop the \\n, and a \\r before \
                it if there is one.";
    asks(
        lab,
        b"GET /index.html HTTP/1.1\nHost: x\n\n",
        &ok(HTML, INDEX, false),
        note,
    )
}

fn empty_lines_first(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    let note = "Empty lines (\\r\\n, or a bare \\n) before the request line are skipped (RFC 9112, \
                section 2.2): read on to the request line, then answer it as usual. Some clients \
                send an extra \\r\\n after a request, so it comes before the next one.";
    // On a new connection, and between two requests of one connection.
    for (request, answer) in [
        (
            b"\r\n\nGET /index.html HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            ok(HTML, INDEX, false),
        ),
        (
            b"\r\nGET /style.css HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            ok("text/css; charset=utf-8", &file("style.css"), false),
        ),
    ] {
        conn.send(&request)?;
        conn.expect(&answer)
            .map_err(|failure| failure.with_note(note))?;
    }
    Ok(())
}

fn head(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    let note = "HEAD gets exactly the head GET would get, Content-Length included, and no body: \
                the next request's answer must follow the empty line at once.";
    conn.send(b"HEAD /picture.png HTTP/1.1\r\nHost: x\r\n\r\n")?;
    conn.expect(&ok("image/png", &file("picture.png"), true))
        .map_err(|failure| failure.with_note(note))?;
    conn.send(&get("/index.html"))?;
    conn.expect(&ok(HTML, INDEX, false))
        .map_err(|failure| failure.with_note(note))
}

fn pipelined(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    let note = "Three requests came in one write: keep ONE reader for the whole connection (what \
                it has read past one request is the start of the next), and answer them in order.";
    let mut requests = get("/style.css");
    requests.extend(get("/missing.html"));
    requests.extend(get("/index.html"));
    conn.send(&requests)?;
    let mut answers = ok("text/css; charset=utf-8", &file("style.css"), false);
    answers.extend(error("404 Not Found", false));
    answers.extend(ok(HTML, INDEX, false));
    conn.expect(&answers)
        .map_err(|failure| failure.with_note(note))
}

fn bytewise(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send_bytewise(&get("/index.html"))?;
    let note = "The request came one byte per write: a line may take many reads to arrive \
                (`read_until` waits for its \\n).";
    conn.expect(&ok(HTML, INDEX, false))
        .map_err(|failure| failure.with_note(note))
}

/// The 200 answer to a GET of /index.html that ends the connection.
fn closing_index() -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {HTML}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        INDEX.len()
    )
    .into_bytes();
    answer.extend_from_slice(INDEX);
    answer
}

fn connection_close(lab: &mut Lab) -> StepResult {
    let note = "After a request with `Connection: close` (the name and `close` in any case), \
                answer with the line `Connection: close` after Content-Length, then close the \
                connection.";
    for request in [
        "GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /index.html HTTP/1.1\r\nHost: x\r\nconnection: Close\r\n\r\n",
    ] {
        let mut conn = lab.connect()?;
        conn.send(request.as_bytes())?;
        conn.expect_then_close(&closing_index())
            .map_err(|failure| failure.with_note(note))?;
    }
    Ok(())
}

fn http_1_0(lab: &mut Lab) -> StepResult {
    let note = "HTTP/1.0 closes after each answer: answer with `Connection: close`, then close.";
    let mut conn = lab.connect()?;
    conn.send(b"GET /index.html HTTP/1.0\r\n\r\n")?;
    conn.expect_then_close(&closing_index())
        .map_err(|failure| failure.with_note(note))
}

fn encoded_names(lab: &mut Lab) -> StepResult {
    let note = "`%20` is a space: decode each `%` and two hex digits into the byte they write \
                before looking for the file.";
    let text = "text/plain; charset=utf-8";
    asks(
        lab,
        &get("/a%20file.txt"),
        &ok(text, &file("a file.txt"), false),
        note,
    )?;
    asks(
        lab,
        &get("/%73tyle.css"),
        &ok("text/css; charset=utf-8", &file("style.css"), false),
        note,
    )
}

fn climbing_out(lab: &mut Lab) -> StepResult {
    let note = "A name that is `..` once decoded (`%2e%2e` too), or that holds a `/` (`%2f`), gets \
                400 and the close: never look for it.";
    for target in [
        "/../secret.txt",
        "/docs/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/docs%2f..%2f..%2fsecret.txt",
    ] {
        refused(lab, &get(target), note)?;
    }
    Ok(())
}

fn symlink_out(lab: &mut Lab) -> StepResult {
    let note = "link-out.txt is a symbolic link to a file outside --root: `canonicalize` the path \
                (where it really leads) and serve it only if that `starts_with` the root.";
    asks(
        lab,
        &get("/link-out.txt"),
        &error("404 Not Found", false),
        note,
    )
}

/// What Python does: four requests on one connection, each line what it got.
const PYTHON: &str = r#"
import http.client, sys
port, root = int(sys.argv[1]), sys.argv[2]
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
for method, path in [("GET", "/index.html"), ("HEAD", "/style.css"), ("GET", "/picture.png"), ("GET", "/missing.html")]:
    connection.request(method, path)
    response = connection.getresponse()
    body = response.read()
    try:
        same = body == open(root + path, "rb").read()
    except OSError:
        same = False
    print(method, path, response.status, response.reason, response.getheader("Content-Type"),
          response.getheader("Content-Length"), len(body), "the file" if same else repr(body))
connection.close()
"#;

fn python_http_client(lab: &mut Lab) -> StepResult {
    let Some(python3) = testkit::python::interpreter() else {
        return match std::env::var("COURSE_REQUIRE_PYTHON").is_ok_and(|value| value == "1") {
            true => Err(Failure::of_checker(
                "this step needs python3, and COURSE_REQUIRE_PYTHON=1 forbids passing it without",
            )),
            false => Ok(()), // without python3, there is nothing to run it with
        };
    };
    lab.start()?;
    let port = lab.address()?.port().to_string();
    let root = lab.scratch_dir()?.join(SITE);
    let accepted_before = accepted(lab);
    let args = ["-c", PYTHON, &port, &root.to_string_lossy()];
    let mut python = testkit::procs::Running::start(python3, &args)?;
    python.set_timeout(Duration::from_secs(10));
    python.close_stdin();
    let finished = python.finish()?;
    let printed: String = finished
        .rest
        .iter()
        .map(|line| format!("{line}\n"))
        .collect();
    let (index, picture) = (INDEX.len(), file("picture.png").len());
    let style = file("style.css").len();
    let expected = format!(
        "GET /index.html 200 OK {HTML} {index} {index} the file\n\
         HEAD /style.css 200 OK text/css; charset=utf-8 {style} 0 b''\n\
         GET /picture.png 200 OK image/png {picture} {picture} the file\n\
         GET /missing.html 404 Not Found text/plain; charset=utf-8 14 14 b'404 Not Found\\n'\n"
    );
    let connections = accepted(lab) - accepted_before;
    if printed == expected && finished.status.success() && connections == 1 {
        return Ok(());
    }
    let mut failure = Failure::new(format!(
        "Python's http.client, making four requests on one connection, did not get what it \
         should{}.",
        match connections {
            1 => String::new(),
            count => format!(
                " (it needed {count} connections: the server closed one it should have kept)"
            ),
        }
    ));
    failure.sent =
        Some("GET /index.html, HEAD /style.css, GET /picture.png, GET /missing.html".into());
    failure.expected = Some(expected);
    failure.received = Some(printed);
    Err(failure.with_reproduce(format!(
        "python3 -c 'import http.client; c = http.client.HTTPConnection(\"127.0.0.1\", {}); \
         c.request(\"HEAD\", \"/index.html\"); r = c.getresponse(); print(r.status, \
         r.getheaders(), r.read()); c.request(\"GET\", \"/index.html\"); r = c.getresponse(); \
         print(r.status, r.getheaders(), r.read())'",
        lab.default_port
    )))
}

/// How many `accepted connection from` lines the server has printed.
fn accepted(lab: &mut Lab) -> usize {
    let output = lab.server_output();
    output
        .iter()
        .filter(|line| line.starts_with("accepted connection from "))
        .count()
}

fn closes_at_once(lab: &mut Lab) -> StepResult {
    common::closes_at_once(lab, get_a_page)
}

fn resets(lab: &mut Lab) -> StepResult {
    common::resets(lab, b"GET /index.html HTTP/1.1\r\nHo", get_a_page)
}

fn silent(lab: &mut Lab) -> StepResult {
    common::silent_client_dropped(lab, get_a_page)
}

fn restarts(lab: &mut Lab) -> StepResult {
    common::restarts_at_once(lab, get_a_page)
}
