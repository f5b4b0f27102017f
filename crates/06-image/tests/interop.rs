//! Lesson 6 talks to Python: image-server saves what a client written like Tutorial 5's
//! sends, and image-client's picture is saved by a server written like Tutorial 5's. The
//! Python programs are in `tests/python/`. Without `python3` these tests say that they skip;
//! the one that needs Pillow (as the tutorial does) also skips without Pillow.

use crate::common;

use std::path::Path;

use common::{CLIENT, TempFolder, gradient_png, start_server};
use lesson_image::picture::{Pattern, Size, encode_png, generate};
use testkit::procs;
use testkit::python_or_skip;

#[test]
fn python_tutorial_client_sends_a_png_that_image_server_saves_byte_for_byte() {
    let python =
        python_or_skip!("python_tutorial_client_sends_a_png_that_image_server_saves_byte_for_byte");
    let folder = TempFolder::new("interop-python-client");
    let input = TempFolder::new("interop-python-client-input");
    let png = gradient_png(40, 30);
    let file = input.path.join("test.png");
    std::fs::write(&file, &png).expect("write the picture");
    let mut server = start_server(&folder, &["--once"]);
    let output = python
        .run(
            "tutorial_image_client.py",
            &[
                &server.port_arg(),
                file.to_str().expect("utf-8"),
                "##END## inside other_info, escaped by nobody",
            ],
            b"",
        )
        .expect("the python client runs");
    assert_eq!(output.stderr, "");
    assert_eq!(output.code(), 0);
    let rest = server.finish().expect("--once exits").rest;
    // Python's json.dumps leaves # alone, so the first ##END## is inside other_info.
    assert!(
        rest.iter()
            .any(|line| line.contains("is not a complete JSON object")),
        "{rest:?}"
    );

    let mut server = start_server(&folder, &["--once"]);
    let output = python
        .run(
            "tutorial_image_client.py",
            &[&server.port_arg(), file.to_str().expect("utf-8")],
            b"",
        )
        .expect("the python client runs");
    assert_eq!(output.stderr, "");
    let rest = server.finish().expect("--once exits").rest;
    assert!(
        rest.iter().any(|line| line.starts_with("saved ")),
        "{rest:?}"
    );
    assert!(
        rest.last()
            .is_some_and(|line| line.starts_with("closed connection from")),
        "the tutorial's client closing without reading the reply is not an error: {rest:?}"
    );
    assert_eq!(folder.read("image-1.png"), png);
}

#[test]
fn image_client_sends_a_picture_that_the_python_tutorial_server_writes_unchanged() {
    let python = python_or_skip!(
        "image_client_sends_a_picture_that_the_python_tutorial_server_writes_unchanged"
    );
    let folder = TempFolder::new("interop-python-server");
    let out = folder.path.join("image.png");
    let mut server = python
        .start_server("tutorial_image_server.py", &[out.to_str().expect("utf-8")])
        .expect("the python server starts");
    let output = procs::Output::from(procs::one_shot(
        Path::new(CLIENT),
        &[
            "--port",
            &server.port_arg(),
            "--generate",
            "50x20",
            "--info",
            "#1 ##END##",
        ],
        b"",
    ));
    assert_eq!(output.code(), 0, "{output:?}");
    assert!(
        output
            .stdout
            .contains("the server closed the connection without an answer"),
        "{}",
        output.stdout
    );
    let rest = server.finish().expect("the python server exits").rest;
    assert!(rest[0].starts_with("received "), "{rest:?}");
    let png = encode_png(&generate(
        Size {
            width: 50,
            height: 20,
        },
        Pattern::Gradient,
    ))
    .expect("png");
    assert_eq!(
        rest[1],
        format!("wrote {} bytes to {}", png.len(), out.display())
    );
    assert_eq!(folder.read("image.png"), png);
}

#[test]
fn pillow_client_as_the_tutorial_writes_it_sends_pixels_that_image_server_keeps() {
    let python = python_or_skip!(
        "pillow_client_as_the_tutorial_writes_it_sends_pixels_that_image_server_keeps",
        "PIL",
        "pip install Pillow"
    );
    let folder = TempFolder::new("interop-pillow");
    let input = TempFolder::new("interop-pillow-input");
    let picture = generate(
        Size {
            width: 33,
            height: 17,
        },
        Pattern::Noise,
    );
    let file = input.path.join("test.png");
    std::fs::write(&file, encode_png(&picture).expect("png")).expect("write");
    let mut server = start_server(&folder, &["--once"]);
    let output = python
        .run(
            "pillow_image_client.py",
            &[&server.port_arg(), file.to_str().expect("utf-8")],
            b"",
        )
        .expect("the pillow client runs");
    assert_eq!(output.stderr, "");
    assert_eq!(output.code(), 0);
    server.finish().expect("--once exits");
    // Pillow writes its own PNG (other compression), but the pixels are the same.
    let saved = image::load_from_memory(&folder.read("image-1.png")).expect("a PNG");
    assert_eq!(saved, picture);
}
