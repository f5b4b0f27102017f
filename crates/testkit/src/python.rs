//! The Python side of the interop tests: each lesson keeps Python programs of ours, written
//! like its seed's, in `tests/python/`, and checks that its Rust programs talk to them.
//!
//! An interop test starts with `let python = course::python_or_skip!("its_name");`: that finds
//! the programs ([`Python::for_test`]) or, when `python3` is not installed, says why the test
//! skips and returns from it without checking anything. Then the test runs
//! `python.run("tutorial_client.py", ...)` or `python.start_server(...)`.
//!
//! A student without Python still gets a green `cargo test`, with a line saying what was
//! skipped. CI must not skip silently: with [`REQUIRE_PYTHON`]`=1` in the environment (`.ci/run`
//! sets it), a missing `python3` fails the test instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use anyhow::{Context, Result, bail};

use crate::procs::{Running, Server};

/// The environment variable that turns "python3 is missing: skip" into a failure: set it to `1`
/// where the interop tests must run (CI).
pub const REQUIRE_PYTHON: &str = "COURSE_REQUIRE_PYTHON";

/// `course::python_or_skip!("test_name")` is the test's [`Python`] programs, or it returns from
/// the test (which then passes without checking anything) after printing why it skips:
/// `python3` is missing. With [`REQUIRE_PYTHON`](crate::python::REQUIRE_PYTHON)`=1`, a missing
/// `python3` fails the test instead. `course::python_or_skip!("test_name", "PIL", "pip install Pillow")`
/// also skips when Python cannot import the module `PIL` (see [`Python::for_test_importing`]).
///
/// It is a macro so that it can `return` from the test. The programs are found in
/// `tests/python/` of the test's crate: `cargo test` runs each crate's tests in its folder.
#[macro_export]
macro_rules! python_or_skip {
    ($test:expr) => {
        match $crate::python::Python::for_test($test) {
            Some(python) => python,
            None => return,
        }
    };
    ($test:expr, $module:expr, $install:expr) => {
        match $crate::python::Python::for_test_importing($test, $module, $install) {
            Some(python) => python,
            None => return,
        }
    };
}

/// The Python programs in one crate's `tests/python/` folder, with a `python3` to run them.
#[derive(Debug, Clone)]
pub struct Python {
    folder: PathBuf,
    /// The interpreter itself ([`interpreter`]).
    interpreter: PathBuf,
    /// Whether the programs need packages from outside the standard library (Pillow): then
    /// Python starts with its `site` module, which finds them, and otherwise with `-S`.
    site_packages: bool,
}

impl Python {
    /// The Python programs in `tests/python/` of the crate whose tests run (`cargo test` runs
    /// them in the crate's folder), or `None` when `python3` is missing: then it prints that
    /// `test` skips, and why (see [`python3_available`]).
    ///
    /// # Panics
    ///
    /// When `python3` is missing and [`REQUIRE_PYTHON`] is `1`: the test fails rather than skip.
    pub fn for_test(test: &str) -> Option<Python> {
        let found = interpreter();
        if found.is_none() {
            skipping_without_python(test);
            if python_required() {
                panic!(
                    "{test} needs python3, which is not installed, and {REQUIRE_PYTHON}=1 \
                     forbids skipping it (install Python 3, or unset {REQUIRE_PYTHON} to skip)"
                );
            }
        }
        let here = std::env::current_dir().unwrap_or_default();
        found.map(|interpreter| Python {
            folder: here.join("tests/python"),
            interpreter: interpreter.to_path_buf(),
            site_packages: false,
        })
    }

    /// Like [`Python::for_test`], and also `None` when Python cannot `import module` (a
    /// package that is not in the standard library): then it prints that `test` skips, and
    /// `install`, how to get the package. ([`REQUIRE_PYTHON`] requires `python3` only, not
    /// the package: such a test still skips without it.)
    pub fn for_test_importing(test: &str, module: &str, install: &str) -> Option<Python> {
        let python = Python::for_test(test)?;
        let found = Command::new(&python.interpreter)
            .args(["-c", &format!("import {module}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !found {
            eprintln!("skipping {test}: Python cannot import {module} ({install} to run it)");
        }
        found.then_some(Python {
            site_packages: true,
            ..python
        })
    }

    /// The path of our Python program `name` (e.g. `echo_client.py`), as an argument for
    /// `python3`. Fails if there is no such file.
    pub fn path(&self, name: &str) -> Result<String> {
        let path = self.folder.join(name);
        if !path.is_file() {
            bail!("there is no Python program {}", path.display());
        }
        path.to_str()
            .map(str::to_string)
            .with_context(|| format!("the path {} is not UTF-8", path.display()))
    }

    /// Runs `python3 <name> <args>...` to completion with `stdin`, as `procs::run` does.
    pub fn run(&self, name: &str, args: &[&str], stdin: &[u8]) -> Result<crate::procs::Output> {
        let all = self.arguments(name, args)?;
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        crate::procs::run(&self.interpreter, &all, stdin)
    }

    /// Starts `python3 <name> <args>...`, a server of ours that prints the same ready line as
    /// the course's servers, and waits for that line (see [`Server::start`]).
    pub fn start_server(&self, name: &str, args: &[&str]) -> Result<Server> {
        let all = self.arguments(name, args)?;
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        Server::start(&self.interpreter, &all)
    }

    /// Starts `python3 <name> <args>...` to talk with it line by line (see [`Running`]).
    pub fn start(&self, name: &str, args: &[&str]) -> Result<Running> {
        let all = self.arguments(name, args)?;
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        Running::start(&self.interpreter, &all)
    }

    /// The interpreter's arguments for our program `name` and its `args`.
    ///
    /// Our programs use only the standard library (unless a test asked for a package), so they
    /// run with `-S`, which skips the `site` module and its look through the installed packages
    /// at start-up. Where many are installed (pyenv, conda) that is most of Python's start:
    /// 9 ms instead of 43 ms a run, measured on the course's test machine.
    fn arguments(&self, name: &str, args: &[&str]) -> Result<Vec<String>> {
        let mut all = Vec::with_capacity(args.len() + 2);
        if !self.site_packages {
            all.push("-S".to_string());
        }
        all.push(self.path(name)?);
        all.extend(args.iter().map(|arg| arg.to_string()));
        Ok(all)
    }
}

/// The Python 3 interpreter, as `python3` on the PATH names it, or `None` when there is none.
/// Found once per process.
///
/// `python3` on the PATH is often not Python but a small script that picks a version and then
/// starts it (pyenv's and asdf's "shims"): about 50 ms of shell a run, more than Python's own
/// start. So `python3` is asked once where it really is (`sys.executable`), and every run of a
/// program starts that file.
pub fn interpreter() -> Option<&'static Path> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND.get_or_init(find_interpreter).as_deref()
}

fn find_interpreter() -> Option<PathBuf> {
    let output = Command::new("python3")
        .args(["-S", "-c", "import sys; sys.stdout.write(sys.executable)"])
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    let reported = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    // An embedded or unusual Python may not know its own file: then run it by name.
    Some(if reported.is_file() {
        reported
    } else {
        PathBuf::from("python3")
    })
}

/// Whether `python3` can be run here. Interop tests call this first (through
/// [`python_or_skip!`](crate::python_or_skip)) and, when Python is missing, print why they skip
/// and return without checking anything.
pub fn python3_available(test: &str) -> bool {
    let found = interpreter().is_some();
    if !found {
        skipping_without_python(test);
    }
    found
}

fn skipping_without_python(test: &str) {
    eprintln!("skipping {test}: python3 is not installed (install Python 3 to run it)");
}

/// Whether [`REQUIRE_PYTHON`] is set to `1`.
fn python_required() -> bool {
    std::env::var(REQUIRE_PYTHON).is_ok_and(|value| value == "1")
}
