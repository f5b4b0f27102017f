//! Programs nobody in the course wrote, which some tests and lesson outputs run: `curl`,
//! Chromium. Find them, or skip what needs them.
//!
//! A test that needs one starts with
//! `let Some(curl) = testkit::tools::program_or_skip(&["curl"], "its_name", "apt-get install curl") else { return };`:
//! without the program it says why it skips and passes without checking anything, so that a
//! student without curl still gets a green `cargo test`. CI must not skip silently: with
//! [`REQUIRE_TOOLS`]`=1` in the environment (`.ci/run` sets it, after installing them), a
//! missing program fails the test instead.

use std::path::{Path, PathBuf};

/// The environment variable that turns "curl (or Chromium) is missing: skip" into a failure:
/// set it to `1` where those tests must run (CI).
pub const REQUIRE_TOOLS: &str = "COURSE_REQUIRE_TOOLS";

/// The names Chromium goes by, on Debian (`chromium`), Ubuntu and others.
pub const CHROMIUM: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The first of `names` found in a folder of `PATH`, as a path.
pub fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|folder| folder.join(name))
            .find(|candidate| is_executable(candidate))
    })
}

/// The program (the first of `names` found), or `None` after printing that `test` skips and
/// `install`, how to get it.
///
/// # Panics
///
/// When none is found and [`REQUIRE_TOOLS`] is `1`: the test fails rather than skip.
pub fn program_or_skip(names: &[&str], test: &str, install: &str) -> Option<PathBuf> {
    let found = find(names);
    if found.is_none() {
        let wanted = names.join(" or ");
        if required() {
            panic!(
                "{test} needs {wanted}, which is not installed, and {REQUIRE_TOOLS}=1 forbids \
                 skipping it ({install}, or unset {REQUIRE_TOOLS} to skip)"
            );
        }
        eprintln!("skipping {test}: {wanted} is not installed ({install} to run it)");
    }
    found
}

/// Whether [`REQUIRE_TOOLS`] is set to `1`.
pub fn required() -> bool {
    std::env::var(REQUIRE_TOOLS).is_ok_and(|value| value == "1")
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|metadata| metadata.is_file() && metadata.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}
