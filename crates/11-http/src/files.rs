//! From a request's path to a file under the server's folder (`--root`), and never outside it;
//! and the `Content-Type` a file is sent with.
//!
//! Two walls keep every byte outside the folder from being served. The first is in
//! [`decode_path`](crate::request::decode_path): no name in the path is `..` and none holds a
//! `/`. The second is here, and it alone would be enough: the file's real place, with every
//! symbolic link followed and every `..` resolved (`canonicalize`), must be inside the folder's
//! real place. A link inside the folder that leads out of it (`ln -s /etc site/etc`) is caught
//! here, and only here.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::request::UrlPath;

/// The folder the server serves, as its real path (no symbolic links, no `..`).
#[derive(Debug, Clone)]
pub struct Site {
    root: PathBuf,
}

/// What a path leads to.
#[derive(Debug)]
pub enum Found {
    /// A file to send: open, with its length and type.
    File {
        /// The open file.
        file: File,
        /// Its length in bytes, for `Content-Length`.
        length: u64,
        /// Its type, for `Content-Type`.
        content_type: &'static str,
    },
    /// A folder asked for without its final `/`: the address to send the client to instead.
    /// (Relative links in the folder's page only work from an address that ends with `/`.)
    Folder {
        /// The same path with a `/` added.
        location: String,
    },
    /// Nothing to serve here (404), and why, for the server's log.
    Missing(&'static str),
}

impl Site {
    /// The folder at `root`, which must exist.
    pub fn new(root: &Path) -> Result<Site> {
        let real = match root.canonicalize() {
            Ok(real) => real,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
                "cannot serve {}: no such folder (give an existing folder with --root)",
                root.display()
            ),
            Err(error) => {
                return Err(error).with_context(|| format!("cannot serve {}", root.display()));
            }
        };
        if !real.is_dir() {
            bail!("cannot serve {}: it is not a folder", root.display());
        }
        Ok(Site { root: real })
    }

    /// The folder's real path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    // ANCHOR: find
    /// What `path` leads to: a file under the folder, a folder to redirect to, or nothing.
    /// A folder's file is its `index.html`.
    pub fn find(&self, path: &UrlPath) -> Found {
        let mut wanted = self.root.clone();
        for name in &path.names {
            wanted.push(name);
        }
        let real = match self.inside(&wanted) {
            Ok(real) => real,
            Err(missing) => return missing,
        };
        if !real.is_dir() {
            return open(&real);
        }
        if !path.ends_with_slash() {
            // One `/` in front, never two: `//host/` would send the browser to another site.
            let location = format!("/{}/", path.raw.trim_start_matches('/'));
            return Found::Folder { location };
        }
        match self.inside(&real.join("index.html")) {
            Ok(index) => open(&index),
            Err(missing) => missing,
        }
    }
    // ANCHOR_END: find

    // ANCHOR: inside
    /// The real path of `wanted`, if it exists and is inside the folder.
    fn inside(&self, wanted: &Path) -> Result<PathBuf, Found> {
        // Every symbolic link followed, every `..` resolved: where the file really is.
        let real = wanted
            .canonicalize()
            .map_err(|_| Found::Missing("no such file"))?;
        match real.starts_with(&self.root) {
            true => Ok(real),
            false => Err(Found::Missing("a symbolic link that leads outside --root")),
        }
    }
    // ANCHOR_END: inside
}

/// Opens the file at `real` (a path checked by `inside`) if it is a regular file.
fn open(real: &Path) -> Found {
    // Only regular files: a named pipe would block the thread that opened it, and a device
    // has nothing to serve.
    if !real.is_file() {
        return Found::Missing("not a regular file");
    }
    let Ok(file) = File::open(real) else {
        return Found::Missing("a file the server may not read");
    };
    // The length of the file we opened (not of the path, which might change meanwhile).
    let Ok(metadata) = file.metadata() else {
        return Found::Missing("a file the server may not read");
    };
    Found::File {
        file,
        length: metadata.len(),
        content_type: content_type(real),
    }
}

// ANCHOR: content_type
/// The `Content-Type` of a file, from its extension. The browser trusts it: a page sent as
/// `text/plain` shows as its source, a picture sent as `text/html` as garbage.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path.extension().and_then(|extension| extension.to_str());
    match extension.map(str::to_ascii_lowercase).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        Some("ico") => "image/x-icon",
        Some("pdf") => "application/pdf",
        // Bytes of no known kind: the browser offers to save them.
        _ => "application/octet-stream",
    }
}
// ANCHOR_END: content_type
