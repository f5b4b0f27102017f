//! Saving a received picture: a safe file name, and a write that is all or nothing.
//!
//! The tutorial's server always writes `image.png` in the folder it runs in. A server that
//! takes a file name from the network has to be more careful:
//!
//! - the name comes from a stranger: `../../.bashrc` must not leave the output folder
//!   ([`safe_name`]);
//! - a second picture with the same name must not silently replace the first, and no client
//!   may use up the names ([`save_new`] adds `-1`, `-2`, ... to a name a client asks for, and
//!   numbers pictures without a name, `image-1.png`, `image-2.png`, ..., with a counter that
//!   only the server moves);
//! - a server that crashes (or a disk that fills up) halfway through writing must not leave a
//!   half-written file under the final name ([`save_new`] writes a hidden temporary file first,
//!   and [`remove_partial_files`] cleans up after a crash).

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The start of the names of pictures sent without a name: `image-1.png`, `image-2.png`, ...
/// (the tutorial writes `image.png`).
pub const UNNAMED: &str = "image";

/// The longest name, in characters, kept from a client's suggestion.
const MAX_NAME: usize = 100;

/// How many numbered names (`cat-1.png` ... `cat-99.png`) to try for a name a client asked
/// for, before the picture gets a number of the server's instead (`image-N.png`).
const MAX_SUFFIX: u32 = 100;

/// How many temporary names to try when one is taken (by a file that is not ours).
const MAX_TEMPORARY_TRIES: u32 = 100;

/// What every temporary file's name contains: `.NAME.partial-PID-N`, N a random number.
const PARTIAL: &str = ".partial-";

/// Turns a file name suggested by a client into one that is safe to create in the output
/// folder: a single file name ending in `.png`, never a path. `None` when nothing of the
/// suggestion is usable (or there was none).
///
/// Only the last part of a path is kept (`../../x.png` becomes `x.png`); characters other
/// than ASCII letters, digits, `-`, `_` and `.` become `_`; leading dots go (no hidden files,
/// no `..`); at most 100 characters are kept.
///
/// ```
/// use lesson_image::store::safe_name;
///
/// let safe = |name| safe_name(Some(name));
/// assert_eq!(safe("cat.png").as_deref(), Some("cat.png"));
/// assert_eq!(safe("../../x.png").as_deref(), Some("x.png"));
/// assert_eq!(safe("C:\\Users\\me\\cat.png").as_deref(), Some("cat.png"));
/// assert_eq!(safe(".bashrc").as_deref(), Some("bashrc.png"));
/// assert_eq!(safe("my cat\n.png").as_deref(), Some("my_cat_.png"));
/// assert_eq!(safe(".."), None);
/// assert_eq!(safe_name(None), None);
/// ```
// ANCHOR: safe-name
pub fn safe_name(suggested: Option<&str>) -> Option<String> {
    let suggested = suggested?;
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
        None
    } else if cleaned.to_ascii_lowercase().ends_with(".png") {
        Some(cleaned.to_string())
    } else {
        Some(format!("{cleaned}.png"))
    }
}
// ANCHOR_END: safe-name

/// Saves `bytes` as a new file in `folder` and returns its path. The file is named `name`
/// or, if that exists already, `name-1`, `name-2`, ... (before the extension), up to
/// `name-99`; a picture without a name, or whose names are all taken, is named
/// `image-N.png`, with a number that only this server moves on, so a client can never use
/// up the names.
///
/// `name` must be a plain file name, as [`safe_name`] makes. The write is all or nothing:
///
/// 1. the bytes go to a new hidden temporary file, `.NAME.partial-PID-N` with N a random
///    number, which is flushed to disk (`create_new` never opens a file that exists already,
///    nor follows a symbolic link planted under that name: if the name is taken, by a file
///    that is not ours, another random number is tried);
/// 2. the finished file gets its final name with `hard_link`, which fails if that name is
///    taken (`rename` would silently replace the existing file);
/// 3. the temporary name is removed, also when something went wrong, but only if this call
///    created it.
///
/// So a file with the final name is always complete, and an existing file is never touched.
///
/// ```
/// use lesson_image::store::save_new;
///
/// let folder = std::env::temp_dir().join(format!("save-new-doctest-{}", std::process::id()));
/// std::fs::create_dir_all(&folder)?;
/// let first = save_new(&folder, Some("cat.png"), b"first")?;
/// let second = save_new(&folder, Some("cat.png"), b"second")?;
/// assert_eq!(first, folder.join("cat.png"));
/// assert_eq!(second, folder.join("cat-1.png"));
/// assert_eq!(std::fs::read(&first)?, b"first", "the first file is untouched");
/// let unnamed = save_new(&folder, None, b"third")?;
/// assert!(unnamed.file_name().unwrap().to_str().unwrap().starts_with("image-"));
/// std::fs::remove_dir_all(&folder)?;
/// # Ok::<(), std::io::Error>(())
/// ```
// ANCHOR: save-new
pub fn save_new(folder: &Path, name: Option<&str>, bytes: &[u8]) -> io::Result<PathBuf> {
    let (temporary, file) = create_temporary(folder, name.unwrap_or(UNNAMED))?;
    let result = write_and_link(file, &temporary, folder, name, bytes);
    // On success the final name is a second name of the same file; on failure this removes
    // whatever was written. Either way our temporary name must go.
    let _ = fs::remove_file(&temporary);
    result
}

fn write_and_link(
    mut file: File,
    temporary: &Path,
    folder: &Path,
    name: Option<&str>,
    bytes: &[u8],
) -> io::Result<PathBuf> {
    file.write_all(bytes)?;
    // Make sure the bytes are on the disk before the file gets a name that says "complete".
    file.sync_all()?;
    drop(file);
    for candidate in final_names(name) {
        let path = folder.join(candidate);
        match fs::hard_link(temporary, &path) {
            Ok(()) => return Ok(path),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    // The server's numbers never run out, so the loop only ends with a `return`.
    Err(io::Error::other("no free name for the picture"))
}
// ANCHOR_END: save-new

// ANCHOR: create-temporary
/// Creates a new hidden temporary file for a picture to be called `name`, and returns its
/// path and the open file. Its name, `.NAME.partial-PID-N`, ends in a random number: nobody
/// else can know it in advance. A file at that name that is not ours (left there, or a
/// symbolic link planted to make us write elsewhere) is never opened: `create_new` fails with
/// "already exists", and another random number is tried.
fn create_temporary(folder: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let mut last_error = None;
    for _ in 0..MAX_TEMPORARY_TRIES {
        let number = random_number();
        let path = folder.join(format!(".{name}{PARTIAL}{}-{number}", std::process::id()));
        match File::create_new(&path) {
            Ok(file) => return Ok((path, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last_error = Some(error),
            Err(error) => return Err(error),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no temporary name is free")))
}
// ANCHOR_END: create-temporary

/// A number nobody can guess: std's `RandomState` seeds its hasher from the operating
/// system's randomness, and each call hashes a new count. (A counter alone, as before, let
/// anyone who can write in the folder plant links under the next hundred names and make every
/// save fail. Production code uses the `tempfile` crate, which does this for you.)
fn random_number() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNT.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

/// `cat.png`, then `cat-1.png` ... `cat-99.png`, then the server's own names; for a picture
/// without a name, only the server's own names.
fn final_names(name: Option<&str>) -> impl Iterator<Item = String> + '_ {
    let asked = name.into_iter().flat_map(numbered_names);
    asked.chain(std::iter::from_fn(|| Some(server_name())))
}

/// `image-1.png`, `image-2.png`, ...: the next number of this server's counter, which no
/// client can move back, and which never repeats while the server runs.
fn server_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("{UNNAMED}-{}.png", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// `cat.png`, then `cat-1.png`, `cat-2.png`, ... `cat-99.png`.
fn numbered_names(name: &str) -> impl Iterator<Item = String> + '_ {
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => (stem, format!(".{extension}")),
        _ => (name, String::new()),
    };
    std::iter::once(name.to_string())
        .chain((1..MAX_SUFFIX).map(move |number| format!("{stem}-{number}{extension}")))
}

/// Removes the temporary files (`.NAME.partial-PID-N`) that a server killed in the middle of a
/// save left in `folder`, and returns how many it removed. For the start of the server.
///
/// Only plain files named exactly like ours are removed. (A second server saving into the
/// same folder at this moment would lose the picture it is writing: it reports that it could
/// not save it, and no file is left half-written.)
pub fn remove_partial_files(folder: &Path) -> io::Result<usize> {
    let mut removed = 0;
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let is_ours = entry.file_name().to_str().is_some_and(is_partial_name);
        // file_type does not follow symbolic links: a link is not a plain file.
        if is_ours && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Whether `name` is `.NAME.partial-PID-N`, the name of a temporary file of [`save_new`].
///
/// ```
/// use lesson_image::store::is_partial_name;
///
/// assert!(is_partial_name(".cat.png.partial-4242-0"));
/// assert!(!is_partial_name("cat.png.partial-4242-0")); // not hidden
/// assert!(!is_partial_name(".cat.png.partial-x-0"));
/// assert!(!is_partial_name(".cat.png"));
/// ```
pub fn is_partial_name(name: &str) -> bool {
    let Some((start, numbers)) = name.rsplit_once(PARTIAL) else {
        return false;
    };
    let is_number = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    start.len() > 1
        && start.starts_with('.')
        && numbers
            .split_once('-')
            .is_some_and(|(pid, count)| is_number(pid) && is_number(count))
}

/// The bytes the plain files directly in `folder` take, as their sizes add up.
pub fn folder_bytes(folder: &Path) -> io::Result<u64> {
    let mut total = 0;
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            total += entry.metadata()?.len();
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder of its own under the system's temporary folder (`tempfile`: a unique
    /// name, whatever else runs at the same time), removed at the end of the test.
    struct Folder(
        PathBuf,
        #[allow(dead_code, reason = "kept for its Drop")] tempfile::TempDir,
    );

    impl Folder {
        fn new(test: &str) -> Folder {
            let dir = tempfile::Builder::new()
                .prefix(&format!("lesson-image-{test}-"))
                .tempdir()
                .expect("create a temporary folder");
            Folder(dir.path().to_path_buf(), dir)
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

    #[test]
    fn names_from_clients_never_leave_the_folder() {
        for (suggested, safe) in [
            ("../../x.png", Some("x.png")),
            ("/etc/passwd", Some("passwd.png")),
            ("..\\..\\x.png", Some("x.png")),
            ("x.png/..", None),
            ("...", None),
            ("", None),
            ("/", None),
            (".hidden.png", Some("hidden.png")),
            ("a\u{0}b\u{7}.png", Some("a_b_.png")),
            ("café.PNG", Some("caf_.PNG")),
            ("photo.jpg", Some("photo.jpg.png")),
        ] {
            assert_eq!(
                safe_name(Some(suggested)).as_deref(),
                safe,
                "for {suggested:?}"
            );
        }
        let long = "a".repeat(500);
        let safe = safe_name(Some(&long)).expect("a name");
        assert_eq!(safe.len(), 100 + ".png".len());
    }

    #[test]
    fn saving_never_replaces_a_file_and_leaves_no_temporary_file() {
        let folder = Folder::new("no-replace");
        for round in 0..3 {
            save_new(&folder.0, Some("pic.png"), format!("{round}").as_bytes()).expect("save");
        }
        save_new(&folder.0, Some("noext"), b"x").expect("save");
        save_new(&folder.0, Some("noext"), b"y").expect("save");
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
        let error = save_new(&missing, Some("pic.png"), b"data").expect_err("no folder");
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert_eq!(folder.names(), Vec::<String>::new());
    }

    #[cfg(unix)]
    #[test]
    fn planted_links_under_temporary_names_are_never_followed_and_the_save_still_works() {
        let folder = Folder::new("planted");
        let outside = Folder::new("outside");
        let target = outside.0.join("precious.txt");
        fs::write(&target, b"precious").expect("write the outside file");
        // Links under the names a counter would pick next (this process is the "server"),
        // under a guess at a fixed name, and under the final name itself.
        let pid = std::process::id();
        let mut planted: Vec<String> = (0..200)
            .map(|count| format!(".cat.png.partial-{pid}-{count}"))
            .collect();
        planted.push(".cat.png.part".to_string());
        planted.push("cat.png".to_string());
        for name in &planted {
            std::os::unix::fs::symlink(&target, folder.0.join(name)).expect("plant a link");
        }

        let saved = save_new(&folder.0, Some("cat.png"), b"upload").expect("the save works");

        assert_eq!(
            saved,
            folder.0.join("cat-1.png"),
            "cat.png is taken by the link"
        );
        assert_eq!(fs::read(&saved).expect("read"), b"upload");
        assert_eq!(
            fs::read(&target).expect("read"),
            b"precious",
            "never written through"
        );
        for name in &planted {
            let link = fs::symlink_metadata(folder.0.join(name)).expect("the link is there");
            assert!(
                link.file_type().is_symlink(),
                "{name} is still the planted link"
            );
        }
        assert_eq!(
            folder.names().len(),
            planted.len() + 1,
            "no temporary file is left"
        );
    }
}
