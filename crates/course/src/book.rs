//! The lessons as a book (mdBook): what the rendered book must be, checked by crawling it.
//!
//! The book's source is `book/`: its `SUMMARY.md`, its `book.toml`, and two links,
//! `book/lessons -> ../lessons` and `book/crates -> ../crates`. So the book holds the lessons
//! one folder down, as in the repository, and a copy of the course's sources beside them:
//! a lesson's link to `../crates/01-simple/src/bin/simple-server.rs`, which works on GitHub
//! and in an editor, leads to a file the book serves too, wherever the book is put (mdbook
//! serve, a folder opened in a browser, a site under a sub-path), without a preprocessor.
//!
//! [`broken_links`] crawls a rendered book: every `href` and `src` of every page must name a
//! file of the book (and an `id` in it, for a `#fragment`), and never leave the book.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

/// Every link of the rendered book in `book_dir` that leads nowhere, as
/// `page.html: target (why)`.
pub fn broken_links(book_dir: &Path) -> Result<Vec<String>> {
    let pages = html_files(book_dir)?;
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut broken = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page)
            .with_context(|| format!("could not read {}", page.display()))?;
        let relative = page.strip_prefix(book_dir).unwrap_or(page).to_path_buf();
        for target in attribute_values(&text, &["href", "src"]) {
            if let Some(why) = leads_nowhere(book_dir, &relative, &target, &mut ids) {
                broken.push(format!("{}: {target} ({why})", relative.display()));
            }
        }
    }
    broken.sort();
    broken.dedup();
    Ok(broken)
}

/// Why `target`, a link on `page` (relative to the book), leads nowhere; `None` if it is fine.
fn leads_nowhere(
    book_dir: &Path,
    page: &Path,
    target: &str,
    ids: &mut BTreeMap<PathBuf, BTreeSet<String>>,
) -> Option<&'static str> {
    let external = [
        "http://",
        "https://",
        "mailto:",
        "javascript:",
        "data:",
        "//",
    ];
    if target.is_empty() || external.iter().any(|prefix| target.starts_with(prefix)) {
        return None;
    }
    let without_query = target.split('?').next().unwrap_or(target);
    let (path, fragment) = match without_query.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (without_query, None),
    };
    let file = if path.is_empty() {
        page.to_path_buf()
    } else {
        let base = page.parent().unwrap_or(Path::new(""));
        let Some(inside) = inside_book(&base.join(path)) else {
            return Some("leaves the book");
        };
        inside
    };
    let mut on_disk = book_dir.join(&file);
    if on_disk.is_dir() {
        on_disk = on_disk.join("index.html");
    }
    if !on_disk.is_file() {
        return Some("no such file in the book");
    }
    let fragment = fragment.filter(|fragment| !fragment.is_empty())?;
    if on_disk.extension().is_none_or(|ext| ext != "html") {
        return None;
    }
    let known = ids.entry(on_disk.clone()).or_insert_with(|| {
        let text = std::fs::read_to_string(&on_disk).unwrap_or_default();
        ids_in(&text)
    });
    (!known.contains(fragment)).then_some("no such anchor in the page")
}

/// `path` with `.` and `..` worked out, if it stays inside the book (does not climb above it).
fn inside_book(path: &Path) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// Every `id="..."` of an HTML page.
fn ids_in(text: &str) -> BTreeSet<String> {
    attribute_values(text, &["id"]).into_iter().collect()
}

/// The values of the attributes `names` (`name="value"`, after a space) in an HTML text,
/// unescaped, except those of `<base>`, which says where links start from and is no link.
/// (Plain string search: the book's pages are mdbook's own, regular HTML.)
fn attribute_values(text: &str, names: &[&str]) -> Vec<String> {
    let mut values = Vec::new();
    for name in names {
        let needle = format!(" {name}=\"");
        for (at, _) in text.match_indices(&needle) {
            let start = at + needle.len();
            let Some(length) = text[start..].find('"') else {
                continue;
            };
            let tag_start = text[..at].rfind('<').unwrap_or(0);
            if text[tag_start..].starts_with("<base ") {
                continue;
            }
            values.push(unescape(&text[start..start + length]));
        }
    }
    values
}

/// The few HTML escapes mdbook writes in attributes, and percent-escapes in paths.
fn unescape(text: &str) -> String {
    let text = text
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    percent_decode(&text)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Every `.html` file under `dir`.
fn html_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)
            .with_context(|| format!("could not list {}", folder.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "html") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{broken_links, inside_book, percent_decode};

    #[test]
    fn a_link_that_climbs_above_the_book_leaves_it() {
        assert_eq!(
            inside_book(Path::new("lessons/../crates/a.rs")),
            Some("crates/a.rs".into())
        );
        assert_eq!(inside_book(Path::new("../crates/a.rs")), None);
        assert_eq!(inside_book(Path::new("lessons/../../x")), None);
    }

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decode("a%20b%2Fc"), "a b/c");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn the_crawl_finds_missing_files_missing_anchors_and_links_out_of_the_book() {
        let dir = std::env::temp_dir().join(format!("book-crawl-{}", std::process::id()));
        let lessons = dir.join("lessons");
        std::fs::create_dir_all(&lessons).expect("a temp book");
        let page = r##"<a href="other.html#there">ok</a> <a href="other.html#nowhere">x</a>
<a href="../crates/a.rs">ok</a> <a href="../../crates/a.rs">x</a> <a href="gone.html">x</a>
<a href="#here">ok</a> <h1 id="here">Here</h1> <a href="https://example.com/">ok</a>
<base href="/">"##;
        std::fs::write(lessons.join("page.html"), page).expect("a page");
        std::fs::write(lessons.join("other.html"), r#"<h2 id="there">There</h2>"#).expect("a page");
        std::fs::create_dir_all(dir.join("crates")).expect("a folder");
        std::fs::write(dir.join("crates/a.rs"), "fn main() {}").expect("a source");
        let broken = broken_links(&dir).expect("the crawl runs");
        std::fs::remove_dir_all(&dir).expect("the temp book is removed");
        assert_eq!(
            broken,
            [
                "lessons/page.html: ../../crates/a.rs (leaves the book)",
                "lessons/page.html: gone.html (no such file in the book)",
                "lessons/page.html: other.html#nowhere (no such anchor in the page)",
            ]
        );
    }
}
