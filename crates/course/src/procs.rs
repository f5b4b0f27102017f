//! Running the course's programs from the demo runner and from tests.
//!
//! - [`Server::start`] starts a server and waits for its `listening on <ip>:<port>` line, so
//!   nothing ever sleeps "long enough" for a server to be ready.
//! - [`Running`] is any started program: read its output line by line, type into its stdin,
//!   wait for it to exit. Its stdout and stderr share one pipe, so lines come in the order the
//!   program wrote them.
//! - [`run`] runs a program to completion and returns its exit status, stdout and stderr apart.
//!
//! Every wait has a time limit ([`STEP_TIMEOUT`] unless told otherwise), and a program still
//! running when its handle is dropped is killed, so a failing test never leaves one behind.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// How long any single step (a server getting ready, a line arriving, a program exiting) may
/// take before we give up. Generous: a loaded CI machine can be slow, and nothing waits this
/// long when things work.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(10);

/// The prefix of every server's first line.
pub const READY_PREFIX: &str = "listening on ";

/// A started program whose stdout and stderr we read as one stream of lines.
#[derive(Debug)]
pub struct Running {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    seen: Vec<String>,
    timeout: Duration,
}

/// How a program ended: its exit status and the lines it printed that were not read yet.
#[derive(Debug)]
pub struct Finished {
    /// The exit status (killed programs have none on Unix: `status.code()` is `None`).
    pub status: ExitStatus,
    /// Output lines not yet taken with [`Running::next_line`] and friends.
    pub rest: Vec<String>,
}

impl Running {
    /// Starts `program` with `args`. Its stdin is a pipe ([`Running::write_stdin`]).
    pub fn start(program: &Path, args: &[&str]) -> Result<Running> {
        let name = display_name(program);
        let (reader, writer) = std::io::pipe().context("could not create a pipe")?;
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(writer.try_clone().context("could not clone a pipe")?)
            .stderr(writer);
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start {}", program.display()))?;
        // Our copies of the pipe's write end live in `command`: drop them, or we would never
        // see the end of the output.
        drop(command);
        let stdin = child.stdin.take();
        Ok(Running {
            name,
            child,
            stdin,
            lines: read_lines(reader),
            seen: Vec::new(),
            timeout: STEP_TIMEOUT,
        })
    }

    /// Changes how long each later step may take.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// The program's file name, e.g. `echo-server`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Every line read so far.
    pub fn seen(&self) -> &[String] {
        &self.seen
    }

    /// Types `text` into the program's stdin (add `\n` yourself to end a line).
    pub fn write_stdin(&mut self, text: &str) -> Result<()> {
        let name = &self.name;
        let stdin = self
            .stdin
            .as_mut()
            .with_context(|| format!("{name}'s stdin is already closed"))?;
        stdin
            .write_all(text.as_bytes())
            .and_then(|()| stdin.flush())
            .with_context(|| format!("could not write to {name}'s stdin"))
    }

    /// Closes the program's stdin: it reads end of file, as after Ctrl-D in a terminal.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The next line of output (without its newline), waiting at most the step timeout.
    pub fn next_line(&mut self) -> Result<String> {
        match self.lines.recv_timeout(self.timeout) {
            Ok(line) => {
                self.seen.push(line.clone());
                Ok(line)
            }
            Err(RecvTimeoutError::Timeout) => bail!(
                "{} printed no new line within {:?}; its output so far:\n{}",
                self.name,
                self.timeout,
                self.seen.join("\n")
            ),
            Err(RecvTimeoutError::Disconnected) => {
                let exit = self.exit_description();
                bail!(
                    "{} ended its output ({exit}) while we waited for a line; its output:\n{}",
                    self.name,
                    self.seen.join("\n")
                )
            }
        }
    }

    /// Reads the next line and checks that it is exactly `expected`.
    pub fn expect_line(&mut self, expected: &str) -> Result<()> {
        let line = self.next_line()?;
        if line != expected {
            bail!(
                "{} printed {line:?} where {expected:?} was expected; its output so far:\n{}",
                self.name,
                self.seen.join("\n")
            );
        }
        Ok(())
    }

    /// Reads lines up to and including the first one for which `wanted` is true.
    pub fn wait_for(&mut self, wanted: impl Fn(&str) -> bool) -> Result<Vec<String>> {
        let mut lines = Vec::new();
        loop {
            let line = self.next_line()?;
            let found = wanted(&line);
            lines.push(line);
            if found {
                return Ok(lines);
            }
        }
    }

    /// Waits for the program to exit by itself (within the step timeout) and collects the
    /// lines not read yet. Kills it and fails if it does not exit in time.
    pub fn finish(&mut self) -> Result<Finished> {
        self.stdin = None;
        let deadline = Instant::now() + self.timeout;
        let mut rest = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    rest.push(line);
                }
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    bail!(
                        "{} did not exit within {:?}; killed it. Its output:\n{}",
                        self.name,
                        self.timeout,
                        self.seen.join("\n")
                    );
                }
            }
        }
        // The output has ended, so the program has exited or is about to.
        let status = self
            .child
            .wait()
            .context("could not wait for the program")?;
        Ok(Finished { status, rest })
    }

    /// Stops the program now (SIGKILL, like a crash or `kill -9`) and collects what it printed.
    pub fn kill(&mut self) -> Result<Finished> {
        let _ = self.child.kill();
        self.finish()
    }

    fn exit_description(&mut self) -> String {
        match self.child.try_wait() {
            Ok(Some(status)) => format!("it exited: {status}"),
            _ => "it is still running".to_string(),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A started server whose ready line has been read.
#[derive(Debug)]
pub struct Server {
    /// The address from the server's `listening on <ip>:<port>` line.
    pub address: SocketAddr,
    process: Running,
}

impl Server {
    /// Starts a server and waits for its `listening on <ip>:<port>` line. Fails with the
    /// server's output if it prints something else first or exits.
    pub fn start(program: &Path, args: &[&str]) -> Result<Server> {
        let mut process = Running::start(program, args)?;
        let address = wait_until_ready(&mut process)?;
        Ok(Server { address, process })
    }

    /// The port the server is listening on.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The port as text, handy for `--port` arguments.
    pub fn port_arg(&self) -> String {
        self.address.port().to_string()
    }
}

impl std::ops::Deref for Server {
    type Target = Running;
    fn deref(&self) -> &Running {
        &self.process
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Running {
        &mut self.process
    }
}

/// Reads lines until the ready line and returns its address. Trace lines (`trace: ...`) on
/// stderr may come first and are skipped; anything else first is an error.
fn wait_until_ready(process: &mut Running) -> Result<SocketAddr> {
    loop {
        let line = process.next_line()?;
        if let Some(address) = line.strip_prefix(READY_PREFIX) {
            return address.parse().with_context(|| {
                format!(
                    "{} printed a ready line with a bad address: {line}",
                    process.name
                )
            });
        }
        if !line.starts_with("trace: ") {
            bail!(
                "{} printed {line:?} before its ready line ({READY_PREFIX}<ip>:<port>); its output:\n{}",
                process.name,
                process.seen.join("\n")
            );
        }
    }
}

/// The result of [`run`]: exit status and the exact output, stdout and stderr apart.
#[derive(Debug, Clone)]
pub struct Output {
    /// How the program exited.
    pub status: ExitStatus,
    /// Everything it wrote to stdout (invalid UTF-8 replaced by `�`).
    pub stdout: String,
    /// Everything it wrote to stderr.
    pub stderr: String,
}

impl Output {
    /// The exit code, or -1 if the program was killed by a signal.
    pub fn code(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }
}

/// Runs `program` with `args`, feeding it `stdin`, and waits for it to exit (at most
/// [`STEP_TIMEOUT`]; then it is killed and this fails with what it printed).
pub fn run(program: &Path, args: &[&str], stdin: &[u8]) -> Result<Output> {
    run_with_timeout(program, args, stdin, STEP_TIMEOUT)
}

/// [`run`] with another time limit.
pub fn run_with_timeout(
    program: &Path,
    args: &[&str],
    stdin: &[u8],
    timeout: Duration,
) -> Result<Output> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {}", program.display()))?;
    let (done, finished) = mpsc::channel();
    if let Some(mut pipe) = child.stdin.take() {
        let input = stdin.to_vec();
        // A program may exit without reading all its input: ignore the broken pipe.
        thread::spawn(move || pipe.write_all(&input));
    }
    let stdout = read_all(child.stdout.take(), done.clone());
    let stderr = read_all(child.stderr.take(), done);
    let deadline = Instant::now() + timeout;
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        if finished.recv_timeout(left).is_err() {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{} did not finish within {timeout:?}; killed it. Its stdout:\n{}\nIts stderr:\n{}",
                display_name(program),
                collect(stdout),
                collect(stderr)
            );
        }
    }
    let status = child.wait().context("could not wait for the program")?;
    Ok(Output {
        status,
        stdout: collect(stdout),
        stderr: collect(stderr),
    })
}

type Collected = std::sync::Arc<std::sync::Mutex<Vec<u8>>>;

fn read_all(pipe: Option<impl Read + Send + 'static>, done: mpsc::Sender<()>) -> Collected {
    let collected = Collected::default();
    let sink = collected.clone();
    thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            let mut chunk = [0u8; 8192];
            while let Ok(count @ 1..) = pipe.read(&mut chunk) {
                if let Ok(mut bytes) = sink.lock() {
                    bytes.extend_from_slice(&chunk[..count]);
                }
            }
        }
        let _ = done.send(());
    });
    collected
}

fn collect(collected: Collected) -> String {
    match collected.lock() {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    }
}

fn read_lines(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&line);
                    let text = text.trim_end_matches(['\n', '\r']).to_string();
                    if sender.send(text).is_err() {
                        break;
                    }
                }
            }
        }
    });
    receiver
}

fn display_name(program: &Path) -> String {
    program
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| program.display().to_string())
}

/// Whether `python3` can be run here. Interop tests call this first and, when Python is
/// missing, print why they skip and return without checking anything.
pub fn python3_available(test: &str) -> bool {
    let found = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        eprintln!("skipping {test}: python3 is not installed (install Python 3 to run it)");
    }
    found
}
