//! How `image-server` starts: its `listening on` line must mean "ready", so a server that
//! cannot use its `--out-dir` stops with a clear error before it announces anything; and what
//! an earlier run that was killed while saving left behind is cleaned up.

use crate::common;

use std::fs;
use std::path::Path;

use common::{SERVER, TempFolder, start_server};
use testkit::procs;

/// Runs image-server with `--out-dir out_dir` and checks that it refuses to start: exit
/// status 1, no `listening on` line, and an error that starts with `expected_error`.
fn assert_refuses_to_start(out_dir: &Path, expected_error: &str) {
    let out_dir = out_dir.to_str().expect("a UTF-8 temporary path");
    let output = procs::Output::from(procs::one_shot(
        Path::new(SERVER),
        &["--port", "0", "--out-dir", out_dir],
        b"",
    ));
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

#[test]
fn partial_files_left_by_a_killed_server_are_removed_at_start_and_nothing_else() {
    let folder = TempFolder::new("startup-stale");
    // What `kill -9` in the middle of a save leaves: hidden .NAME.partial-PID-N files.
    for stale in [".cat.png.partial-4242-0", ".image.png.partial-99999-17"] {
        fs::write(folder.path.join(stale), b"half a picture").expect("plant a partial file");
    }
    // Files of other names, and a folder named like a partial file, are not ours to remove.
    let others = [
        ".cat.png.partial-x-0",
        ".hidden",
        "cat.png",
        "cat.png.partial-1-2",
        "notes.partial-1-2",
    ];
    for other in others {
        fs::write(folder.path.join(other), b"keep").expect("plant a file");
    }
    fs::create_dir(folder.path.join(".dir.png.partial-1-1")).expect("plant a folder");
    let mut server = start_server(&folder, &[]);
    server
        .expect_line(&format!(
            "removed 2 partial files (.NAME.partial-PID-N) that an earlier run left in {}",
            folder.path.display()
        ))
        .expect("one line says how many");
    let mut kept: Vec<&str> = others.to_vec();
    kept.push(".dir.png.partial-1-1");
    kept.sort_unstable();
    assert_eq!(folder.names(), kept);
}
