//! Saving a received picture: a safe file name, and a write that is all or nothing.
//!
//! The tutorial's server always writes `image.png` in the folder it runs in. A server that
//! takes a file name from the network has to be more careful:
//!
//! - the name comes from a stranger: `../../.bashrc` must not leave the output folder
//!   ([`safe_name`]);
//! - a second picture with the same name must not silently replace the first
//!   ([`save_new`] adds `-1`, `-2`, ...);
//! - a server that crashes (or a disk that fills up) halfway through writing must not leave a
//!   half-written file under the final name ([`save_new`] writes a hidden temporary file first).

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The name used when the client suggests none (or nothing of its suggestion is usable),
/// like the tutorial's `image.png`.
pub const FALLBACK_NAME: &str = "image.png";

/// The longest name, in characters, kept from a client's suggestion.
const MAX_NAME: usize = 100;

/// How many numbered names (`image-1.png`, `image-2.png`, ...) to try before giving up.
const MAX_SUFFIX: u32 = 10_000;

/// Turns a file name suggested by a client into one that is safe to create in the output
/// folder: a single file name ending in `.png`, never a path.
///
/// Only the last part of a path is kept (`../../x.png` becomes `x.png`); characters other
/// than ASCII letters, digits, `-`, `_` and `.` become `_`; leading dots go (no hidden files,
/// no `..`); at most 100 characters are kept. When nothing is left, the name is `image.png`.
///
/// ```
/// use lesson_image::store::safe_name;
///
/// assert_eq!(safe_name(Some("cat.png")), "cat.png");
/// assert_eq!(safe_name(Some("../../x.png")), "x.png");
/// assert_eq!(safe_name(Some("C:\\Users\\me\\cat.png")), "cat.png");
/// assert_eq!(safe_name(Some(".bashrc")), "bashrc.png");
/// assert_eq!(safe_name(Some("my cat\n.png")), "my_cat_.png");
/// assert_eq!(safe_name(Some("..")), "image.png");
/// assert_eq!(safe_name(None), "image.png");
/// ```
// ANCHOR: safe-name
pub fn safe_name(suggested: Option<&str>) -> String {
    let suggested = suggested.unwrap_or("");
    // Only what follows the last / or \ : a name, never a path into another folder.
    let last_part = suggested.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last_part
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' | '.' => c,
            _ => '_',
        })
        .take(MAX_NAME)
        .collect();
    let cleaned = cleaned.trim_start_matches('.');
    if cleaned.is_empty() {
        FALLBACK_NAME.to_string()
    } else if cleaned.to_ascii_lowercase().ends_with(".png") {
        cleaned.to_string()
    } else {
        format!("{cleaned}.png")
    }
}
// ANCHOR_END: safe-name

/// Saves `bytes` as a new file in `folder`, named `name` or, if that exists already,
/// `name-1`, `name-2`, ... (before the extension). Returns the path of the new file.
///
/// `name` must be a plain file name, as [`safe_name`] makes. The write is all or nothing:
///
/// 1. the bytes go to a hidden temporary file, `.NAME.partial-...`, which is flushed to disk;
/// 2. the finished file gets its final name with `hard_link`, which fails if that name is
///    taken (`rename` would silently replace the existing file);
/// 3. the temporary name is removed, also when something went wrong.
///
/// So a file with the final name is always complete, and an existing file is never touched.
///
/// ```
/// use lesson_image::store::save_new;
///
/// let folder = std::env::temp_dir().join(format!("save-new-doctest-{}", std::process::id()));
/// std::fs::create_dir_all(&folder)?;
/// let first = save_new(&folder, "cat.png", b"first")?;
/// let second = save_new(&folder, "cat.png", b"second")?;
/// assert_eq!(first, folder.join("cat.png"));
/// assert_eq!(second, folder.join("cat-1.png"));
/// assert_eq!(std::fs::read(&first)?, b"first", "the first file is untouched");
/// std::fs::remove_dir_all(&folder)?;
/// # Ok::<(), std::io::Error>(())
/// ```
// ANCHOR: save-new
pub fn save_new(folder: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let temporary = folder.join(temporary_name(name));
    let result = write_and_link(&temporary, folder, name, bytes);
    // On success the final name is a second name of the same file; on failure this removes
    // whatever was written. Either way the temporary name must go.
    let _ = fs::remove_file(&temporary);
    result
}

fn write_and_link(
    temporary: &Path,
    folder: &Path,
    name: &str,
    bytes: &[u8],
) -> io::Result<PathBuf> {
    let mut file = File::create_new(temporary)?;
    file.write_all(bytes)?;
    // Make sure the bytes are on the disk before the file gets a name that says "complete".
    file.sync_all()?;
    drop(file);
    for candidate in numbered_names(name) {
        let path = folder.join(candidate);
        match fs::hard_link(temporary, &path) {
            Ok(()) => return Ok(path),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::other(format!(
        "{MAX_SUFFIX} files named like {name} exist already"
    )))
}
// ANCHOR_END: save-new

/// A hidden name that no other save, in this server or another one, uses at the same time.
fn temporary_name(name: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(".{name}.partial-{}-{count}", std::process::id())
}

/// `cat.png`, then `cat-1.png`, `cat-2.png`, ...
fn numbered_names(name: &str) -> impl Iterator<Item = String> + '_ {
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => (stem, format!(".{extension}")),
        _ => (name, String::new()),
    };
    std::iter::once(name.to_string())
        .chain((1..MAX_SUFFIX).map(move |number| format!("{stem}-{number}{extension}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the system's temporary folder, removed at the end of the test.
    struct Folder(PathBuf);

    impl Folder {
        fn new(test: &str) -> Folder {
            let path =
                std::env::temp_dir().join(format!("lesson-image-{test}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).expect("create a temporary folder");
            Folder(path)
        }

        fn names(&self) -> Vec<String> {
            let mut names: Vec<String> = fs::read_dir(&self.0)
                .expect("list the folder")
                .map(|entry| {
                    entry
                        .expect("an entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            names.sort();
            names
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn names_from_clients_never_leave_the_folder() {
        for (suggested, safe) in [
            ("../../x.png", "x.png"),
            ("/etc/passwd", "passwd.png"),
            ("..\\..\\x.png", "x.png"),
            ("x.png/..", "image.png"),
            ("...", "image.png"),
            ("", "image.png"),
            ("/", "image.png"),
            (".hidden.png", "hidden.png"),
            ("a\u{0}b\u{7}.png", "a_b_.png"),
            ("café.PNG", "caf_.PNG"),
            ("photo.jpg", "photo.jpg.png"),
        ] {
            assert_eq!(safe_name(Some(suggested)), safe, "for {suggested:?}");
        }
        let long = "a".repeat(500);
        assert_eq!(safe_name(Some(&long)).len(), 100 + ".png".len());
    }

    #[test]
    fn saving_never_replaces_a_file_and_leaves_no_temporary_file() {
        let folder = Folder::new("no-replace");
        for round in 0..3 {
            save_new(&folder.0, "pic.png", format!("{round}").as_bytes()).expect("save");
        }
        save_new(&folder.0, "noext", b"x").expect("save");
        save_new(&folder.0, "noext", b"y").expect("save");
        assert_eq!(
            folder.names(),
            ["noext", "noext-1", "pic-1.png", "pic-2.png", "pic.png"]
        );
        assert_eq!(fs::read(folder.0.join("pic.png")).expect("read"), b"0");
        assert_eq!(fs::read(folder.0.join("pic-2.png")).expect("read"), b"2");
    }

    #[test]
    fn a_failed_save_leaves_nothing_behind() {
        let folder = Folder::new("failed");
        let missing = folder.0.join("no-such-folder");
        let error = save_new(&missing, "pic.png", b"data").expect_err("no folder");
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert_eq!(folder.names(), Vec::<String>::new());
    }
}
