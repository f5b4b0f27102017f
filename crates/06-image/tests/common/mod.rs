//! What the black-box tests of lesson 6 share: a temporary output folder, the server, and
//! messages built by hand.

#![allow(dead_code)] // Each test file uses a different part of this module.

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lesson_image::picture::{Pattern, Size, encode_png, generate};
use testkit::procs::Server;

pub const SERVER: &str = env!("CARGO_BIN_EXE_image-server");
pub const CLIENT: &str = env!("CARGO_BIN_EXE_image-client");

/// A fresh folder of its own under the system's temporary folder, removed when dropped.
pub struct TempFolder {
    pub path: PathBuf,
    /// `tempfile` gives it a unique name, so that no other test (nor another run of the
    /// tests at the same time) ever shares it, and removes it at the end.
    _dir: tempfile::TempDir,
}

impl TempFolder {
    /// A folder whose name starts with the test's, for whoever looks in the temporary folder.
    pub fn new(test: &str) -> TempFolder {
        let dir = tempfile::Builder::new()
            .prefix(&format!("lesson-image-{test}-"))
            .tempdir()
            .expect("create a temporary folder");
        TempFolder {
            path: dir.path().to_path_buf(),
            _dir: dir,
        }
    }

    pub fn arg(&self) -> &str {
        self.path.to_str().expect("a UTF-8 temporary path")
    }

    /// The names of every entry in the folder, hidden ones included, sorted.
    pub fn names(&self) -> Vec<String> {
        names_in(&self.path)
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.path.join(name)).unwrap_or_else(|error| panic!("read {name}: {error}"))
    }
}

pub fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .expect("list the folder")
        .map(|entry| {
            entry
                .expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Starts image-server on port 0, saving into `folder`, with `extra` options.
pub fn start_server(folder: &TempFolder, extra: &[&str]) -> Server {
    let mut args = vec!["--out-dir", folder.arg()];
    args.extend_from_slice(extra);
    let mut server = Server::start_on_port_0(Path::new(SERVER), &args)
        .expect("image-server should print its ready line");
    server
        .expect_line(&format!("saving pictures in {}", folder.arg()))
        .expect("the server says where pictures go");
    server
}

/// The PNG file of the gradient test picture of `width` x `height`.
pub fn gradient_png(width: u32, height: u32) -> Vec<u8> {
    encode_png(&generate(Size { width, height }, Pattern::Gradient)).expect("encode a PNG")
}

/// The tutorial's message for `png`: `{"image": BASE64, "other_info": ...}##END##`, written
/// the way Python's json.dumps writes it.
pub fn tutorial_message(png: &[u8]) -> Vec<u8> {
    format!(
        "{{\"image\": \"{}\", \"other_info\": \"test\"}}##END##",
        STANDARD.encode(png)
    )
    .into_bytes()
}

/// The message with a `name` field too.
pub fn named_message(png: &[u8], name: &str) -> Vec<u8> {
    let json = serde_json::json!({ "image": STANDARD.encode(png), "name": name });
    format!("{json}##END##").into_bytes()
}

/// The reply image-server sends for a picture saved as `name`.
pub fn saved_reply(name: &str, png: &[u8], width: u32, height: u32) -> String {
    format!(
        "saved {name}: {} bytes, {width}x{height} pixels, crc32 {:08x}\n",
        png.len(),
        lesson_image::picture::crc32(png)
    )
}
