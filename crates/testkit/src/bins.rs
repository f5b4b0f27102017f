//! Finding and building the lesson binaries.
//!
//! A test can only find its *own* package's binaries (through `CARGO_BIN_EXE_<name>`), and the
//! runner is a package of its own, so both build the lessons with `cargo build` and look for the
//! binaries where cargo puts them: next to the runner (`target/debug/`), or one level up from a
//! test executable (`target/debug/deps/`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context, Result, bail};

/// The root of the copy of the course that the current directory is in (the folder of the
/// workspace `Cargo.toml`), as cargo itself finds it: `cargo locate-project --workspace`.
///
/// It is found at run time, never compiled in: a copy of the course that was moved, or that
/// shares its target dir with other copies (an instructor grading a class), acts on its own
/// files. Asked once per process.
pub fn workspace_root() -> Result<PathBuf> {
    static ROOT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    ROOT.get_or_init(|| locate_workspace().map_err(|error| format!("{error:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}

fn locate_workspace() -> Result<PathBuf> {
    let here = std::env::current_dir().context("could not read the current directory")?;
    let output = Command::new(cargo())
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .stderr(Stdio::piped())
        .output()
        .context("could not run `cargo locate-project` (is cargo installed?)")?;
    if !output.status.success() {
        bail!(
            "{} is not inside a copy of the course: run this from the course's folder or below \
             ({})",
            here.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    manifest
        .parent()
        .map(Path::to_path_buf)
        .context("cargo located a workspace manifest without a folder")
}

/// The cargo that runs us (`cargo run` and `cargo test` set `CARGO`), or the one on the PATH.
pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The directory with this build's binaries, e.g. `target/debug`.
pub fn bin_dir() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("could not find the running program")?;
    let mut dir = exe
        .parent()
        .context("the running program has no directory")?
        .to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    Ok(dir)
}

/// The path of binary `name` (e.g. `echo-server`) in this build's directory.
pub fn path(name: &str) -> Result<PathBuf> {
    let path = bin_dir()?.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        bail!(
            "{} does not exist: build it with `cargo build --bin {name}`",
            path.display()
        );
    }
    Ok(path)
}

/// Builds the binaries of `packages` (all of the workspace's default members if empty: every
/// lesson, but not the students' exercises), with the profile this
/// program was built with. Cargo's progress and errors go to stderr; its closing `Finished`
/// line is left out so that an up-to-date build prints nothing. A package built once is not
/// built again by the same process.
pub fn build(packages: &[&str]) -> Result<()> {
    // Everything is built already: don't start cargo again (many builds at once, as when the
    // lessons check runs its outputs in parallel, would only queue on cargo's lock; and a
    // checker grading a class would wait for another copy's build).
    if BUILT.get().is_some_and(Result::is_ok) {
        return Ok(());
    }
    let built_already = |built: &BTreeSet<String>| {
        !packages.is_empty() && packages.iter().all(|package| built.contains(*package))
    };
    if PACKAGES_BUILT
        .lock()
        .is_ok_and(|built| built_already(&built))
    {
        return Ok(());
    }
    let mut command = Command::new(cargo());
    command
        .arg("build")
        .arg("--bins")
        .arg("--manifest-path")
        .arg(workspace_root()?.join("Cargo.toml"));
    for package in packages {
        command.args(["--package", package]);
    }
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("could not run cargo build")?;
    if let Some(stderr) = child.stderr.take() {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if !line.trim_start().starts_with("Finished") {
                eprintln!("{line}");
            }
        }
    }
    let status = child.wait().context("could not wait for cargo build")?;
    if !status.success() {
        bail!("cargo build failed ({status}): see its messages above");
    }
    if let Ok(mut built) = PACKAGES_BUILT.lock() {
        built.extend(packages.iter().map(|package| package.to_string()));
    }
    Ok(())
}

/// The packages [`build`] has built in this process.
static PACKAGES_BUILT: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Whether (and how) [`build_all_once`] built the whole workspace in this process.
static BUILT: OnceLock<Result<(), String>> = OnceLock::new();

/// Builds every binary of the workspace once per process (tests call this before using
/// [`path`]; later calls return at once).
pub fn build_all_once() -> Result<()> {
    BUILT
        .get_or_init(|| build(&[]).map_err(|error| format!("{error:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}
