//! How `image-server` starts: its `listening on` line must mean "ready", so a server that
//! cannot use its `--out-dir` stops with a clear error before it announces anything.

mod common;

use std::fs;
use std::path::Path;

use common::{SERVER, TempFolder};
use course::procs;

/// Runs image-server with `--out-dir out_dir` and checks that it refuses to start: exit
/// status 1, no `listening on` line, and an error that starts with `expected_error`.
fn assert_refuses_to_start(out_dir: &Path, expected_error: &str) {
    let out_dir = out_dir.to_str().expect("a UTF-8 temporary path");
    let output = procs::run(
        Path::new(SERVER),
        &["--port", "0", "--out-dir", out_dir],
        b"",
    )
    .expect("image-server should exit by itself");
    assert_eq!(output.code(), 1, "exit status; stderr: {}", output.stderr);
    assert_eq!(
        output.stdout, "",
        "nothing on stdout, above all no `listening on`"
    );
    assert!(
        output.stderr.starts_with(expected_error),
        "stderr should start with {expected_error:?}, got {:?}",
        output.stderr
    );
}

#[test]
fn out_dir_that_is_a_file_stops_the_server_before_it_listens() {
    let folder = TempFolder::new("startup-file");
    let file = folder.path.join("not-a-folder.png");
    fs::write(&file, b"a file").expect("create a regular file");
    let expected = format!(
        "error: --out-dir {} is a file, not a folder (choose another with --out-dir)\n",
        file.display()
    );
    assert_refuses_to_start(&file, &expected);
    assert_eq!(fs::read(&file).expect("the file is still there"), b"a file");
}

#[test]
fn out_dir_inside_a_file_stops_the_server_before_it_listens() {
    let folder = TempFolder::new("startup-inside-file");
    let file = folder.path.join("plain-file");
    fs::write(&file, b"").expect("create a regular file");
    let inside = file.join("pictures");
    let expected = format!(
        "error: could not create the folder {} (choose another with --out-dir): ",
        inside.display()
    );
    assert_refuses_to_start(&inside, &expected);
}
