//! Requests that try to read a file outside `--root`, in every spelling we know: `..` written
//! plainly, percent-encoded in upper and lower case, half encoded, double encoded, with
//! encoded slashes and backslashes, overlong UTF-8, NUL bytes, in the absolute form; and
//! symbolic links inside the root that lead out of it. Not one byte of the secret file beside
//! the root may come back, and each attempt gets its exact status.

use std::os::unix::fs::symlink;

use crate::common::{Http, TempFolder, start_in};

/// The file outside the root that every attack is after.
const SECRET: &[u8] = b"TOP SECRET: outside the root\n";

/// A folder holding `secret.txt` and `root/`, the folder served, with a page, a subfolder and
/// symbolic links that lead out.
fn layout(test: &str) -> TempFolder {
    let folder = TempFolder::new(test);
    folder.write("secret.txt", SECRET);
    folder.write("root/index.html", b"<p>inside</p>\n");
    folder.write("root/sub/page.html", b"<p>deeper</p>\n");
    let root = folder.path.join("root");
    symlink(
        folder.path.join("secret.txt"),
        root.join("link-to-secret.txt"),
    )
    .expect("symlink");
    symlink(&folder.path, root.join("link-to-outside")).expect("symlink");
    symlink("../../secret.txt", root.join("sub/relative-link.txt")).expect("symlink");
    symlink("page.html", root.join("sub/link-inside.html")).expect("symlink");
    folder
}

/// Each attack: the target sent, and the status it must get.
const ATTACKS: &[(&str, &str)] = &[
    ("/../secret.txt", "400 Bad Request"),
    ("/..", "400 Bad Request"),
    ("/sub/../../secret.txt", "400 Bad Request"),
    ("/./../secret.txt", "400 Bad Request"),
    ("/%2e%2e/secret.txt", "400 Bad Request"),
    ("/%2E%2E/secret.txt", "400 Bad Request"),
    ("/.%2e/secret.txt", "400 Bad Request"),
    ("/%2e./secret.txt", "400 Bad Request"),
    ("/%2e%2e", "400 Bad Request"),
    ("/..%2fsecret.txt", "400 Bad Request"),
    ("/..%2Fsecret.txt", "400 Bad Request"),
    ("/%2e%2e%2fsecret.txt", "400 Bad Request"),
    ("/sub/..%2f..%2fsecret.txt", "400 Bad Request"),
    ("/..%5csecret.txt", "400 Bad Request"),
    ("/..\\secret.txt", "400 Bad Request"),
    ("/%c0%ae%c0%ae/secret.txt", "400 Bad Request"),
    ("/secret.txt%00.html", "400 Bad Request"),
    ("/%00", "400 Bad Request"),
    ("..", "400 Bad Request"),
    ("../secret.txt", "400 Bad Request"),
    ("secret.txt", "400 Bad Request"),
    ("*", "400 Bad Request"),
    ("http://x/../secret.txt", "400 Bad Request"),
    ("http://x/%2e%2e/secret.txt", "400 Bad Request"),
    // Decoded once, these are names nobody has: nothing to serve.
    ("/%252e%252e/secret.txt", "404 Not Found"),
    ("/..;/secret.txt", "404 Not Found"),
    ("/...", "404 Not Found"),
    ("/etc/passwd", "404 Not Found"),
    ("//etc/passwd", "404 Not Found"),
    ("/secret.txt", "404 Not Found"),
    // Symbolic links inside the root that lead out of it.
    ("/link-to-secret.txt", "404 Not Found"),
    ("/link-to-outside/secret.txt", "404 Not Found"),
    ("/link-to-outside/", "404 Not Found"),
    ("/sub/relative-link.txt", "404 Not Found"),
];

#[test]
fn no_spelling_of_a_path_out_of_the_root_returns_a_byte_of_what_is_outside() {
    let folder = layout("attacks");
    let mut server = start_in(&folder.path.join("root"), &[]);
    for (target, status) in ATTACKS {
        let mut client = Http::connect(server.address);
        client.send(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
        let response = client.response();
        assert!(
            response.head.starts_with(&format!("HTTP/1.1 {status}\r\n")),
            "{target} should get {status}:\n{}",
            response.head
        );
        assert!(
            !response
                .body
                .windows(10)
                .any(|window| window == &SECRET[..10]),
            "{target} leaked the secret"
        );
        drop(client);
        server.read_available();
    }
    let leaked = server.seen().iter().any(|line| line.contains("TOP SECRET"));
    assert!(!leaked, "the log shows the secret");
}

#[test]
fn a_symbolic_link_out_of_the_root_is_404_and_the_log_says_why() {
    let folder = layout("symlink-log");
    let mut server = start_in(&folder.path.join("root"), &[]);
    let mut client = Http::connect(server.address);
    client.get("/link-to-secret.txt");
    assert!(
        client
            .response()
            .head
            .starts_with("HTTP/1.1 404 Not Found\r\n")
    );
    let me = client.address();
    server.expect_accepted_from(me).expect("accepted");
    server
        .expect_line(&format!(
            "{me} \"GET /link-to-secret.txt HTTP/1.1\" 404 Not Found, 46 bytes \
             (a symbolic link that leads outside --root)"
        ))
        .expect("the line says why");
}

#[test]
fn symbolic_links_that_stay_inside_the_root_are_served() {
    let folder = layout("symlink-inside");
    let server = start_in(&folder.path.join("root"), &[]);
    let mut client = Http::connect(server.address);
    client.get("/sub/link-inside.html");
    assert_eq!(client.response().body, b"<p>deeper</p>\n");
    // Out through one link and back in: the real place is inside, so it is served.
    client.get("/link-to-outside/root/sub/page.html");
    assert_eq!(client.response().body, b"<p>deeper</p>\n");
}

#[test]
fn a_root_given_through_a_symbolic_link_serves_its_files() {
    let folder = layout("root-via-link");
    let link = folder.path.join("root-link");
    symlink(folder.path.join("root"), &link).expect("symlink");
    let server = start_in(&link, &[]);
    let mut client = Http::connect(server.address);
    client.get("/sub/page.html");
    assert_eq!(client.response().body, b"<p>deeper</p>\n");
    client.get("/../secret.txt");
    assert!(
        client
            .response()
            .head
            .starts_with("HTTP/1.1 400 Bad Request\r\n")
    );
}
