//! Clients nobody here wrote: curl (keep-alive across two addresses, `--head`, HTTP/1.0, a path
//! sent as it is), Python's `http.client` (five requests on one connection) and `urllib`
//! (a redirect followed, a 404 as an exception), and headless Chromium, which loads the shipped
//! page and its picture. Without curl, Chromium or python3 each test says that it skips (unless
//! `COURSE_REQUIRE_TOOLS=1` or `COURSE_REQUIRE_PYTHON=1`: then it fails).

use std::path::{Path, PathBuf};
use std::time::Duration;

use testkit::procs::{self, Output, Server};
use testkit::python_or_skip;
use testkit::tools::{CHROMIUM, program_or_skip};

use crate::common::{TempFolder, access_line, mask_date, site_file, start};

/// How long curl, Python or Chromium may take in all.
const OUTSIDE_TIMEOUT: Duration = Duration::from_secs(60);

fn curl_or_skip(test: &str) -> Option<PathBuf> {
    program_or_skip(&["curl"], test, "apt-get install curl")
}

fn run(program: &Path, args: &[&str]) -> Output {
    let output = procs::run_with_timeout(program, args, b"", OUTSIDE_TIMEOUT);
    output.unwrap_or_else(|error| panic!("{} could not run: {error:#}", program.display()))
}

/// The server's lines up to and including `closed connection from` the client that connected
/// first, checking that they are one connection with these request lines and outcomes.
fn expect_one_connection(server: &mut Server, requests: &[(&str, String)]) {
    let client = server.expect_accepted().expect("one connection");
    for (request_line, outcome) in requests {
        server
            .expect_line(&access_line(client, request_line, outcome))
            .expect("the request's line");
    }
    server.expect_closed(client).expect("then it closed");
}

fn ok(file: &str) -> String {
    format!("200 OK, {} bytes", site_file(file).len())
}

#[test]
fn curl_fetches_two_addresses_over_one_kept_alive_connection() {
    let Some(curl) = curl_or_skip("curl_fetches_two_addresses_over_one_kept_alive_connection")
    else {
        return;
    };
    let mut server = start(&[]);
    let folder = TempFolder::new("curl-two");
    let (page, style) = (folder.path.join("page.html"), folder.path.join("style.css"));
    let base = format!("http://{}", server.address);
    let output = run(
        &curl,
        &[
            "-sv",
            &format!("{base}/"),
            "-o",
            page.to_str().expect("utf-8"),
            &format!("{base}/style.css"),
            "-o",
            style.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(output.code(), 0, "{}", output.stderr);
    assert!(
        output.stderr.contains("Re-using existing connection"),
        "{}",
        output.stderr
    );
    assert_eq!(
        std::fs::read(page).expect("the page"),
        site_file("index.html")
    );
    assert_eq!(
        std::fs::read(style).expect("the style"),
        site_file("style.css")
    );
    expect_one_connection(
        &mut server,
        &[
            ("GET / HTTP/1.1", ok("index.html")),
            ("GET /style.css HTTP/1.1", ok("style.css")),
        ],
    );
}

#[test]
fn curl_head_gets_exactly_the_head_of_the_picture() {
    let Some(curl) = curl_or_skip("curl_head_gets_exactly_the_head_of_the_picture") else {
        return;
    };
    let server = start(&[]);
    let output = run(
        &curl,
        &[
            "-s",
            "--head",
            &format!("http://{}/picture.png", server.address),
        ],
    );
    let head: String = output.stdout.split_inclusive('\n').map(mask_date).collect();
    let length = site_file("picture.png").len();
    assert_eq!(
        head,
        format!(
            "HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: image/png\r\nContent-Length: {length}\r\n\r\n"
        )
    );
}

#[test]
fn curl_gets_the_picture_byte_for_byte_over_http_1_0_and_the_server_closes() {
    let Some(curl) =
        curl_or_skip("curl_gets_the_picture_byte_for_byte_over_http_1_0_and_the_server_closes")
    else {
        return;
    };
    let mut server = start(&[]);
    let folder = TempFolder::new("curl-1-0");
    let file = folder.path.join("picture.png");
    let address = format!("http://{}/picture.png", server.address);
    let output = run(
        &curl,
        &[
            "-s",
            "--http1.0",
            &address,
            "-o",
            file.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(output.code(), 0, "{}", output.stderr);
    assert_eq!(
        std::fs::read(&file).expect("the picture"),
        site_file("picture.png")
    );
    expect_one_connection(
        &mut server,
        &[("GET /picture.png HTTP/1.0", ok("picture.png"))],
    );
}

#[test]
fn curl_with_path_as_is_climbing_out_gets_400_and_nothing_else() {
    let Some(curl) = curl_or_skip("curl_with_path_as_is_climbing_out_gets_400_and_nothing_else")
    else {
        return;
    };
    let server = start(&[]);
    let address = format!("http://{}/../../../Cargo.toml", server.address);
    let output = run(
        &curl,
        &["-s", "--path-as-is", "-w", "%{http_code}", &address],
    );
    assert_eq!(
        output.stdout,
        "400 Bad Request: a path may not climb up with ..\n400"
    );
}

#[test]
fn python_http_client_makes_five_requests_on_one_connection() {
    let python = python_or_skip!("python_http_client_makes_five_requests_on_one_connection");
    let mut server = start(&[]);
    let output = python
        .run("http_client_fetch.py", &[&server.port_arg()], b"")
        .expect("the Python client runs");
    assert_eq!(output.stderr, "");
    let line = |method: &str, path: &str, status: &str, kind: &str, length: usize, body: &[u8]| {
        let crc = crc32fast::hash(body);
        format!(
            "{method} {path} {status} {kind} {length} {} {crc:08x}\n",
            body.len()
        )
    };
    let (index, style, picture) = (
        site_file("index.html"),
        site_file("style.css"),
        site_file("picture.png"),
    );
    let missing = b"404 Not Found: nothing is served at this path\n";
    let expected = [
        line(
            "GET",
            "/",
            "200 OK",
            "text/html; charset=utf-8",
            index.len(),
            &index,
        ),
        line(
            "GET",
            "/style.css",
            "200 OK",
            "text/css; charset=utf-8",
            style.len(),
            &style,
        ),
        line(
            "HEAD",
            "/picture.png",
            "200 OK",
            "image/png",
            picture.len(),
            b"",
        ),
        line(
            "GET",
            "/picture.png",
            "200 OK",
            "image/png",
            picture.len(),
            &picture,
        ),
        line(
            "GET",
            "/missing.html",
            "404 Not Found",
            "text/plain; charset=utf-8",
            missing.len(),
            missing,
        ),
    ]
    .concat();
    assert_eq!(output.stdout, expected);
    expect_one_connection(
        &mut server,
        &[
            ("GET / HTTP/1.1", ok("index.html")),
            ("GET /style.css HTTP/1.1", ok("style.css")),
            (
                "HEAD /picture.png HTTP/1.1",
                "200 OK, 0 bytes (HEAD: the head only)".to_string(),
            ),
            ("GET /picture.png HTTP/1.1", ok("picture.png")),
            (
                "GET /missing.html HTTP/1.1",
                "404 Not Found, 46 bytes (no such file)".to_string(),
            ),
        ],
    );
}

#[test]
fn python_urllib_follows_the_folder_redirect_and_reports_the_404() {
    let python = python_or_skip!("python_urllib_follows_the_folder_redirect_and_reports_the_404");
    let server = start(&[]);
    let output = python
        .run("urllib_fetch.py", &[&server.port_arg()], b"")
        .expect("the Python client runs");
    assert_eq!(output.stderr, "");
    let line = |path: &str, url: &str, body: &[u8]| {
        format!(
            "{path} -> {url} 200 {} {:08x}\n",
            body.len(),
            crc32fast::hash(body)
        )
    };
    let expected = [
        line("/", "/", &site_file("index.html")),
        line("/about", "/about/", &site_file("about/index.html")),
        line("/picture.png", "/picture.png", &site_file("picture.png")),
        "/missing.html -> HTTPError 404 Not Found\n".to_string(),
    ]
    .concat();
    assert_eq!(output.stdout, expected);
}

/// Chromium without a window, run as root in a container: no sandbox, no GPU, no first-run
/// screens, nothing fetched in the background, a profile of its own.
pub fn chromium_args(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(|arg| arg.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

#[test]
#[ignore = "slow: Chromium takes a second to start; CI runs it (`just test-stress`)"]
fn headless_chromium_shows_the_page_with_its_picture_and_the_server_logs_each_request() {
    let Some(chromium) = program_or_skip(
        CHROMIUM,
        "headless_chromium_shows_the_page_with_its_picture_and_the_server_logs_each_request",
        "apt-get install chromium",
    ) else {
        return;
    };
    let mut server = start(&[]);
    let folder = TempFolder::new("chromium");
    let shot = folder.path.join("shot.png");
    let mut args = chromium_args(&folder.path.join("profile"));
    args.push(format!("--screenshot={}", shot.display()));
    args.push("--window-size=800,600".to_string());
    args.push(format!("http://{}/", server.address));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&chromium, &args);
    assert!(
        shot.is_file(),
        "no screenshot; Chromium said:\n{}\n{}",
        output.stdout,
        output.stderr
    );

    // The picture is a gradient of thousands of colours; a page without it has a few dozen.
    let screenshot = image::open(&shot).expect("a PNG screenshot").to_rgb8();
    let colours: std::collections::HashSet<[u8; 3]> =
        screenshot.pixels().map(|pixel| pixel.0).collect();
    assert!(
        colours.len() > 2000,
        "only {} colours: the picture is not on the page",
        colours.len()
    );

    server.read_available();
    for (request_line, file) in [
        ("GET / HTTP/1.1", "index.html"),
        ("GET /style.css HTTP/1.1", "style.css"),
        ("GET /picture.png HTTP/1.1", "picture.png"),
    ] {
        let wanted = format!("\"{request_line}\" {}", ok(file));
        if !server.seen().iter().any(|line| line.ends_with(&wanted)) {
            server
                .wait_for(|line| line.ends_with(&wanted))
                .expect("the request's line");
        }
    }
}
