//! Building the programs of one copy of the course, so that they are that copy's and stay so.
//!
//! Many copies may share one target dir (an instructor grading a class builds each student's
//! copy into the same one, to save half a gigabyte and two minutes per copy). Two things of
//! cargo's would then mix copies up, and this module undoes both:
//!
//! - Cargo judges a path package fresh by its files' times, with paths relative to the
//!   workspace root: a copy whose files are older than another copy's last build looks built
//!   already, and would be checked with the other copy's programs. So when the target dir is
//!   outside the copy, the build gets `EXERCISE_COPY_FINGERPRINT`, a hash of the copy's
//!   `crates/exercises` files, which `crates/exercises/build.rs` declares with
//!   `cargo::rerun-if-env-changed`: a copy with other files rebuilds the exercises package
//!   (only that package: the dependencies stay shared). With the target dir inside the copy
//!   (a student's own), no variable is set, so the checker and a `cargo run` by hand agree and
//!   never rebuild each other's work.
//! - Every copy's binaries land at the same paths (`target/debug/greet-server`), where the next
//!   copy's build overwrites them. So each program's path is taken from cargo's own report of
//!   what it built (`--message-format=json`) and the program is copied out of the target dir
//!   into a folder of this check's ([`Programs`]) before another build can replace it.
//!
//! Each binary is built with `--keep-going`: one exercise that does not compile never hides
//! another's result, and its compiler messages are kept apart, by binary.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use crate::CheckerError;
use crate::workspace::Workspace;

/// The package that holds the exercises.
pub const PACKAGE: &str = "exercises";

/// The variable `crates/exercises/build.rs` watches (see the module's documentation).
pub const FINGERPRINT_VARIABLE: &str = "EXERCISE_COPY_FINGERPRINT";

/// What one build gave for each binary asked for: the path of its private copy, or why it
/// could not be built (the compiler's messages; empty when they went to the terminal).
pub type Built = BTreeMap<String, Result<PathBuf, String>>;

/// A folder of programs copied out of the target dir for one check or one graded copy,
/// removed when dropped.
#[derive(Debug)]
pub struct Programs {
    dir: PathBuf,
}

impl Programs {
    /// A new empty folder in the system's temporary folder.
    pub fn new() -> Result<Programs, CheckerError> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let number = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("exercise-programs-{}-{number}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|error| {
            CheckerError::new(format!(
                "could not create a temporary folder {}: {error} (is TMPDIR writable?)",
                dir.display()
            ))
        })?;
        Ok(Programs { dir })
    }

    /// Its path.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Programs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// How cargo is asked to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Messages {
    /// Cargo's progress and the compiler's messages go to the terminal, as `cargo build` shows
    /// them (a student's `cargo exercise check NAME`).
    Show,
    /// Nothing is printed; compiler errors are kept for the report.
    Keep,
}

/// The target dir this checker was built into, where it builds the exercises too: the folder
/// above `debug/` (or `release/`) that holds the running program.
pub fn target_dir() -> Result<PathBuf, CheckerError> {
    let bin_dir = testkit::bins::bin_dir().map_err(CheckerError::from)?;
    bin_dir
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| CheckerError::new(format!("{} has no parent folder", bin_dir.display())))
}

/// Builds `binaries` of the exercises package of `workspace` into `target_dir` and copies each
/// one that was built into `programs`. A binary that does not compile is an `Err` with the
/// compiler's messages; only a failure to run cargo at all is the checker's.
pub fn build(
    workspace: &Workspace,
    binaries: &[String],
    target_dir: &Path,
    programs: &Programs,
    messages: Messages,
) -> Result<Built, CheckerError> {
    let cargo = testkit::bins::cargo();
    let format = match messages == Messages::Show && std::io::stderr().is_terminal() {
        true => "json-diagnostic-rendered-ansi",
        false => "json",
    };
    let mut command = Command::new(&cargo);
    command
        .args(["build", "--keep-going", "--package", PACKAGE])
        .arg(format!("--message-format={format}"))
        .arg("--manifest-path")
        .arg(workspace.manifest())
        .arg("--target-dir")
        .arg(target_dir);
    for binary in binaries {
        command.args(["--bin", binary]);
    }
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    let shared = shares_target_dir(workspace, target_dir);
    if shared {
        command.env(FINGERPRINT_VARIABLE, fingerprint(workspace)?);
    } else {
        command.env_remove(FINGERPRINT_VARIABLE);
    }
    command.stdout(Stdio::piped()).stdin(Stdio::null());
    command.stderr(match messages {
        Messages::Show => Stdio::inherit(),
        Messages::Keep => Stdio::piped(),
    });
    let mut child = command.spawn().map_err(|error| {
        CheckerError::new(format!(
            "could not run {} (is cargo installed and on the PATH?): {error}",
            Path::new(&cargo).display()
        ))
    })?;
    // Cargo's own stderr (a broken manifest, a build script that failed) is read in a thread,
    // so that neither pipe can fill up and stop cargo.
    let stderr = child.stderr.take().map(|pipe| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut BufReader::new(pipe), &mut text);
            text
        })
    });
    let mut report = Report::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            report.read(&line, messages);
        }
    }
    let status = child
        .wait()
        .map_err(|error| CheckerError::new(format!("could not wait for cargo: {error}")))?;
    let cargo_said = stderr
        .and_then(|thread| thread.join().ok())
        .unwrap_or_default();
    let mut built = Built::new();
    for binary in binaries {
        let result = match report.executables.get(binary) {
            Some(executable) => Ok(copy_out(executable, binary, programs, shared)?),
            None => Err(report.why_not(binary, messages, &cargo_said, status.success())),
        };
        built.insert(binary.clone(), result);
    }
    Ok(built)
}

/// Whether `target_dir` is outside the copy, where other copies may build too.
fn shares_target_dir(workspace: &Workspace, target_dir: &Path) -> bool {
    let canonical = |path: &Path| path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    !canonical(target_dir).starts_with(canonical(workspace.root()))
}

/// A hash of every file of the exercises package of `workspace` (names and contents): two
/// copies with the same value build the same programs.
pub fn fingerprint(workspace: &Workspace) -> Result<String, CheckerError> {
    let mut files = Vec::new();
    collect_files(&workspace.exercises_dir(), &mut files)?;
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        let bytes = std::fs::read(&file).map_err(|error| {
            CheckerError::new(format!("could not read {}: {error}", file.display()))
        })?;
        let name = file.strip_prefix(workspace.root()).unwrap_or(&file);
        hasher.update(name.to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(hex(&hasher.finalize()))
}

/// The sha256 of `bytes`, in hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), CheckerError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| CheckerError::new(format!("could not list {}: {error}", dir.display())))?;
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => collect_files(&path, files)?,
            Ok(kind) if kind.is_file() => files.push(path),
            _ => {}
        }
    }
    Ok(())
}

/// Puts `executable` at `programs/binary`: a copy when the target dir is `shared` with other
/// copies of the course, whose builds may replace it at any moment; otherwise a hard link if
/// the file system allows (`verify` checks some 80 programs of 16 MB each), which is enough
/// there: only this copy builds into its own target dir, and a build replaces a program with
/// the same program.
fn copy_out(
    executable: &Path,
    binary: &str,
    programs: &Programs,
    shared: bool,
) -> Result<PathBuf, CheckerError> {
    let copy = programs
        .dir()
        .join(format!("{binary}{}", std::env::consts::EXE_SUFFIX));
    if !shared && std::fs::hard_link(executable, &copy).is_ok() {
        return Ok(copy);
    }
    std::fs::copy(executable, &copy).map_err(|error| {
        CheckerError::new(format!(
            "could not copy {} to {}: {error}",
            executable.display(),
            copy.display()
        ))
    })?;
    Ok(copy)
}

/// What cargo said about the build, from its JSON messages.
#[derive(Debug, Default)]
struct Report {
    /// The executable cargo built for each binary.
    executables: BTreeMap<String, PathBuf>,
    /// The compiler's errors for each target (the library's under its own name).
    errors: BTreeMap<String, Vec<String>>,
    /// The library of the package, whose errors every binary shares.
    library: Option<String>,
}

/// One JSON message of cargo's (only the fields read here).
#[derive(Debug, Deserialize)]
struct Message {
    reason: String,
    target: Option<Target>,
    executable: Option<PathBuf>,
    message: Option<Diagnostic>,
}

#[derive(Debug, Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Diagnostic {
    level: String,
    rendered: Option<String>,
}

impl Report {
    fn read(&mut self, line: &str, messages: Messages) {
        let Ok(message) = serde_json::from_str::<Message>(line) else {
            return;
        };
        let Some(target) = message.target else {
            return;
        };
        if target.kind.iter().any(|kind| kind == "lib") {
            self.library = Some(target.name.clone());
        }
        match message.reason.as_str() {
            "compiler-artifact" => {
                if let Some(executable) = message.executable {
                    self.executables.insert(target.name, executable);
                }
            }
            "compiler-message" => {
                let Some(diagnostic) = message.message else {
                    return;
                };
                let rendered = diagnostic.rendered.unwrap_or_default();
                if messages == Messages::Show {
                    eprint!("{rendered}");
                    let _ = std::io::stderr().flush();
                }
                if diagnostic.level == "error" {
                    self.errors.entry(target.name).or_default().push(rendered);
                }
            }
            _ => {}
        }
    }

    /// Why `binary` was not built, in words.
    fn why_not(&self, binary: &str, messages: Messages, cargo_said: &str, success: bool) -> String {
        if messages == Messages::Show {
            return String::new(); // cargo's messages are on the terminal already
        }
        let mut errors: Vec<&String> = Vec::new();
        if let Some(library) = &self.library {
            errors.extend(self.errors.get(library).into_iter().flatten());
        }
        errors.extend(self.errors.get(binary).into_iter().flatten());
        match (errors.is_empty(), success) {
            (false, _) => errors
                .iter()
                .map(|error| error.as_str())
                .collect::<Vec<_>>()
                .join(""),
            (true, false) => cargo_said.trim_end().to_string(),
            (true, true) => format!("cargo built no binary `{binary}` (is it declared?)"),
        }
    }
}
