//! The lessons as a book: they match the code (`lessons_in_sync`), and every link of the
//! rendered book leads to a page, a file or an anchor the book has (`course::book`). The
//! rendered book needs `mdbook`, and is in the slow tier; without mdbook the test says so and
//! passes (`lessons_in_sync` checks in every `cargo test`, without mdbook, that every lesson
//! link stays in the book).

mod lessons_in_sync;

use std::process::Command;

use testkit::bins;

#[test]
#[ignore = "slow: mdbook renders the whole book (0.5 s of processor time); `just test-stress` and CI run it"]
fn every_link_of_the_rendered_book_resolves() {
    let root = bins::workspace_root().expect("the course's workspace is found");
    let out = match std::env::var_os("COURSE_BOOK_DIR") {
        // A book rendered already (to crawl an old one, say).
        Some(dir) => dir.into(),
        None => {
            if Command::new("mdbook").arg("--version").output().is_err() {
                eprintln!(
                    "skipped: mdbook is not installed, so the book is not rendered and crawled \
                     (cargo install mdbook --locked)"
                );
                return;
            }
            let out = std::env::temp_dir().join(format!("course-book-{}", std::process::id()));
            let rendered = Command::new("mdbook")
                .arg("build")
                .arg(root.join("book"))
                .arg("--dest-dir")
                .arg(&out)
                .output()
                .expect("mdbook runs");
            assert!(
                rendered.status.success(),
                "mdbook build book failed:\n{}",
                String::from_utf8_lossy(&rendered.stderr)
            );
            out
        }
    };
    let broken = course::book::broken_links(&out).expect("the rendered book can be read");
    if std::env::var_os("COURSE_BOOK_DIR").is_none() {
        let _ = std::fs::remove_dir_all(&out);
    }
    assert!(
        broken.is_empty(),
        "{} broken links in the rendered book:\n{}",
        broken.len(),
        broken.join("\n")
    );
}
