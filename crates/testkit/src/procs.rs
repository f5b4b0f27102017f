//! Running the course's programs from the demo runner and from tests.
//!
//! - [`Server::start`] starts a server and waits for its `listening on <ip>:<port>` line, so
//!   nothing ever sleeps "long enough" for a server to be ready.
//! - [`Running`] is any started program: read its output line by line, type into its stdin,
//!   wait for it to exit. Its stdout and stderr share one pipe, so lines come in the order the
//!   program wrote them.
//! - `run` runs a program to completion (with `assert_cmd`) and returns its exit status,
//!   stdout and stderr apart.
//! - [`StdoutClosed`] starts a server and closes its stdout after the ready line, as
//!   `server | head -1` does.
//! - What every server built on `netlesson::serve` prints about its clients is checked by name:
//!   [`Running::expect_accepted`], [`Running::expect_accepted_then_problem`],
//!   [`Running::expect_closed`] and friends. Like [`Running::expect_line`], they check the
//!   exact line, and when it is not there they fail with the program's output so far.
//!
//! Every wait has a time limit ([`STEP_TIMEOUT`] unless told otherwise). A program runs in a
//! process group of its own, which is killed whole when its handle is dropped (and by
//! [`Running::kill`]), so neither a failing test nor a program that starts others leaves a
//! process behind; and what is kept of its output is bounded ([`crate::contain`]).

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::contain::{self, Collected, Cut, collected_text, kill_group, own_group};

/// How long any single step (a server getting ready, a line arriving, a program exiting) may
/// take before we give up. Generous: a loaded CI machine can be slow, and nothing waits this
/// long when things work.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(10);

/// The prefix of every server's first line.
pub const READY_PREFIX: &str = "listening on ";

/// The prefix of the line a server prints when it accepts a client (`netlesson::serve`).
pub const ACCEPTED_PREFIX: &str = "accepted connection from ";

/// The prefix of the line a server prints when it has served a client and closed the
/// connection normally (`netlesson::serve`).
pub const CLOSED_PREFIX: &str = "closed connection from ";

/// A started program whose stdout and stderr we read as one stream of lines.
#[derive(Debug)]
pub struct Running {
    name: String,
    program: PathBuf,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    /// What the line reader left out (long lines, output past the limit).
    cut: Arc<Cut>,
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
        Running::start_with_env(program, args, &[])
    }

    /// [`Running::start`] with extra environment variables, e.g. `("RUST_BACKTRACE", "0")`.
    pub fn start_with_env(program: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Running> {
        Running::start_with_limit(program, args, env, contain::TEST_OUTPUT_LIMIT)
    }

    /// [`Running::start_with_env`] keeping at most `output_limit` bytes of the program's
    /// output in all (see [`crate::contain`]): [`contain::OUTPUT_LIMIT`] for a program that
    /// may print anything.
    pub fn start_with_limit(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        output_limit: usize,
    ) -> Result<Running> {
        let name = display_name(program);
        let (reader, writer) = std::io::pipe().context("could not create a pipe")?;
        let mut command = Command::new(program);
        command
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(writer.try_clone().context("could not clone a pipe")?)
            .stderr(writer);
        own_group(&mut command);
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start {}", program.display()))?;
        // Our copies of the pipe's write end live in `command`: drop them, or we would never
        // see the end of the output.
        drop(command);
        let stdin = child.stdin.take();
        let (lines, cut) = contain::read_lines(reader, output_limit);
        Ok(Running {
            name,
            program: program.to_path_buf(),
            child,
            stdin,
            lines,
            cut,
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

    /// The program's process id, e.g. to look at its threads in `/proc/<id>/task` on Linux.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Every line read so far.
    pub fn seen(&self) -> &[String] {
        &self.seen
    }

    /// Every line read so far, then, if the output was too much to keep whole, one line
    /// saying what was left out ([`Cut::note`]): what a report shows.
    pub fn seen_with_note(&self) -> Vec<String> {
        let mut lines = self.seen.clone();
        lines.extend(self.cut.note());
        lines
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

    /// Reads the next line and checks that it is `accepted connection from <address>`, the line
    /// a server prints for each new client; returns the client's address, for the lines that
    /// name it later.
    pub fn expect_accepted(&mut self) -> Result<SocketAddr> {
        let line = self.next_line()?;
        match client_in(&line, ACCEPTED_PREFIX) {
            Some(client) => Ok(client),
            None => bail!(
                "{} printed {line:?} where `{ACCEPTED_PREFIX}<address>` was expected; its output \
                 so far:\n{}",
                self.name,
                self.seen.join("\n")
            ),
        }
    }

    /// Reads the next line and checks that it is exactly `accepted connection from {client}`.
    pub fn expect_accepted_from(&mut self, client: SocketAddr) -> Result<()> {
        self.expect_line(&format!("{ACCEPTED_PREFIX}{client}"))
    }

    /// Reads the next line and checks that it is exactly `client {client}: {problem}`: the one
    /// line a server prints about a client that misbehaved, before it closes that connection.
    pub fn expect_client_problem(&mut self, client: SocketAddr, problem: &str) -> Result<()> {
        self.expect_line(&format!("client {client}: {problem}"))
    }

    /// Reads the two lines a server prints about a client that misbehaves from the start:
    /// exactly `accepted connection from {client}`, then `client {client}: {problem}`.
    pub fn expect_accepted_then_problem(
        &mut self,
        client: SocketAddr,
        problem: &str,
    ) -> Result<()> {
        self.expect_accepted_from(client)?;
        self.expect_client_problem(client, problem)
    }

    /// Reads the next line and checks that it is exactly `closed connection from {client}`: the
    /// server served `client` without a problem and closed the connection.
    pub fn expect_closed(&mut self, client: SocketAddr) -> Result<()> {
        self.expect_line(&format!("{CLOSED_PREFIX}{client}"))
    }

    /// Reads lines up to and including exactly `closed connection from {client}`, and returns
    /// them: for skipping what a server prints about a client whose details are checked
    /// elsewhere.
    pub fn wait_for_closed(&mut self, client: SocketAddr) -> Result<Vec<String>> {
        let closed = format!("{CLOSED_PREFIX}{client}");
        self.wait_for(|line| line == closed)
    }

    /// Waits for the program to exit by itself (within the step timeout) and collects the
    /// lines not read yet. Kills it and fails if it does not exit in time. Once it has exited,
    /// what is left of its process group (children it started and left running, which may
    /// hold its output open) is killed.
    pub fn finish(&mut self) -> Result<Finished> {
        self.stdin = None;
        let deadline = Instant::now() + self.timeout;
        let mut rest = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            // Look up now and then whether the program has exited: its children may keep the
            // output open after it.
            match self.lines.recv_timeout(left.min(Duration::from_millis(50))) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    rest.push(line);
                }
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) if left.is_zero() => {
                    kill_group(&mut self.child);
                    bail!(
                        "{} did not exit within {:?}; killed it. Its output:\n{}",
                        self.name,
                        self.timeout,
                        self.seen.join("\n")
                    );
                }
                Err(RecvTimeoutError::Timeout) => {
                    if let Ok(Some(_)) = self.child.try_wait() {
                        kill_group(&mut self.child);
                    }
                }
            }
        }
        // The output has ended, so the program has exited or is about to.
        let status = self
            .child
            .wait()
            .context("could not wait for the program")?;
        kill_group(&mut self.child);
        Ok(Finished { status, rest })
    }

    /// Waits for the program to exit by itself, as [`Running::finish`] does, and returns every
    /// line it printed from the first on: the lines already read (the ready line, for a
    /// server) and the rest. For comparing a whole transcript, as the `--trace` tests do.
    pub fn all_lines_at_exit(&mut self) -> Result<Vec<String>> {
        self.finish()?;
        Ok(self.seen.clone())
    }

    /// Waits for the program to exit by itself, as [`Running::finish`] does, and checks that
    /// it exited with status 0 and printed no line after those already read: for a server run
    /// with `--once` whose one client has been checked line by line.
    pub fn expect_success_and_no_more_lines(&mut self) -> Result<()> {
        let finished = self.finish()?;
        if !finished.status.success() {
            bail!(
                "{} exited with {}; its output:\n{}",
                self.name,
                finished.status,
                self.seen.join("\n")
            );
        }
        if !finished.rest.is_empty() {
            bail!(
                "{} printed more than expected before it exited:\n{}",
                self.name,
                finished.rest.join("\n")
            );
        }
        Ok(())
    }

    /// Stops the program now (SIGKILL, like a crash or `kill -9`), with every process of its
    /// group, and collects what it printed.
    pub fn kill(&mut self) -> Result<Finished> {
        kill_group(&mut self.child);
        self.finish()
    }

    /// Takes every line the program has printed by now without waiting (see [`Running::seen`]).
    pub fn read_available(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
    }

    /// How the program exited, if it has (without waiting).
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Keeps the lines that come within `time` (or until the output ends) in `seen`.
    fn drain_for(&mut self, time: Duration) {
        let deadline = Instant::now() + time;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => break,
            }
        }
        // A program whose output ended is ending too: a moment for its status to say how.
        while Instant::now() < deadline + Duration::from_millis(200) {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn exit_description(&mut self) -> String {
        match self.child.try_wait() {
            Ok(Some(status)) => format!("it exited: {status}"),
            _ => "it is still running".to_string(),
        }
    }
}

impl Drop for Running {
    /// Kills the program's whole process group, whether the program is still running or not:
    /// children it left behind go too.
    fn drop(&mut self) {
        kill_group(&mut self.child);
        let _ = self.child.wait();
    }
}

/// [`Server::start_on_port_0`] for a test: panics, naming the program and saying what it
/// printed, if the server never prints its ready line.
pub fn start_or_panic(program: &Path, extra: &[&str]) -> Server {
    Server::start_on_port_0(program, extra).unwrap_or_else(|error| {
        panic!(
            "{} should print its ready line: {error:#}",
            program.display()
        )
    })
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
        Server::start_with_env(program, args, &[])
    }

    /// [`Server::start`] with extra environment variables.
    pub fn start_with_env(program: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Server> {
        Server::start_with_limit(program, args, env, contain::TEST_OUTPUT_LIMIT)
    }

    /// [`Server::start_with_env`] keeping at most `output_limit` bytes of the server's output
    /// ([`Running::start_with_limit`]).
    pub fn start_with_limit(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        output_limit: usize,
    ) -> Result<Server> {
        let mut process = Running::start_with_limit(program, args, env, output_limit)?;
        let address = wait_until_ready(&mut process)?;
        Ok(Server { address, process })
    }

    /// Starts a server on `--port 0`, so that the operating system gives it a free port, with
    /// `extra` options after it, and waits for its ready line (see [`Server::start`]).
    pub fn start_on_port_0(program: &Path, extra: &[&str]) -> Result<Server> {
        let mut args = vec!["--port", "0"];
        args.extend_from_slice(extra);
        Server::start(program, &args)
    }

    /// Kills the server (SIGKILL, like a crash or `kill -9`), then starts the same program
    /// again with `--port <the same port>` and nothing else, and waits for its ready line: what
    /// a student does after a crash. Fails, with the new server's output, if it cannot bind the
    /// port at once (as without `SO_REUSEADDR`), or if it listens on another port.
    pub fn kill_and_restart(&mut self) -> Result<Server> {
        self.process.kill()?;
        let port = self.port_arg();
        let restarted = Server::start(&self.process.program, &["--port", &port])?;
        if restarted.port() != self.port() {
            bail!(
                "{} was restarted with --port {port} but listens on {}",
                restarted.name(),
                restarted.address
            );
        }
        Ok(restarted)
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

/// A server whose stdout was closed right after its ready line, as `server | head -1` does:
/// for checking that a server goes on serving when nobody reads its output. Its stderr is
/// collected apart, for the note the server prints about it.
#[derive(Debug)]
pub struct StdoutClosed {
    /// The address from the server's ready line.
    pub address: SocketAddr,
    name: String,
    child: Child,
    stderr: Collected,
    stderr_cut: Arc<Cut>,
    stderr_done: Receiver<()>,
}

impl StdoutClosed {
    /// Starts `program` with `args`, reads its ready line (within [`STEP_TIMEOUT`]), then closes
    /// the reading end of its stdout: every later write to stdout fails.
    pub fn start(program: &Path, args: &[&str]) -> Result<StdoutClosed> {
        let name = display_name(program);
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        own_group(&mut command);
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start {}", program.display()))?;
        let (done, stderr_done) = mpsc::channel();
        let (stderr, stderr_cut) = contain::read_all(child.stderr.take(), done);
        let stdout = child.stdout.take().context("no stdout pipe")?;
        // Read the first line in a thread, so that waiting for it has a time limit.
        let (sender, first_line) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let read = reader.read_line(&mut line).map(|_| line);
            // `reader` (the pipe) is dropped here: the server's stdout is closed from now on.
            let _ = sender.send(read);
        });
        let line = match first_line.recv_timeout(STEP_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(error)) => {
                kill_group(&mut child);
                bail!("could not read {name}'s stdout: {error}");
            }
            Err(_) => {
                kill_group(&mut child);
                bail!("{name} printed no ready line within {STEP_TIMEOUT:?}");
            }
        };
        let address = line
            .trim_end()
            .strip_prefix(READY_PREFIX)
            .and_then(|address| address.parse().ok());
        let Some(address) = address else {
            kill_group(&mut child);
            bail!("{name}'s first line is not a ready line: {line:?}");
        };
        Ok(StdoutClosed {
            address,
            name,
            child,
            stderr,
            stderr_cut,
            stderr_done,
        })
    }

    /// Whether the server is still running (it has not exited, nor crashed).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Stops the server (SIGKILL, its whole process group) and returns what it wrote to
    /// stderr (the first [`contain::OUTPUT_LIMIT`] bytes, then a note if there was more).
    pub fn stop(mut self) -> Result<String> {
        kill_group(&mut self.child);
        let _ = self.child.wait();
        self.stderr_done
            .recv_timeout(STEP_TIMEOUT)
            .with_context(|| format!("{}'s stderr did not end", self.name))?;
        let mut text = collected_text(&self.stderr);
        if let Some(note) = self.stderr_cut.note() {
            text.push_str(&note);
        }
        Ok(text)
    }
}

impl Drop for StdoutClosed {
    fn drop(&mut self) {
        kill_group(&mut self.child);
        let _ = self.child.wait();
    }
}

/// Makes the pipe as small as the system allows (one page, 4 KiB, on Linux; 64 KiB is the
/// default), so that a program that logs fills it after a few dozen lines instead of a
/// thousand: a test of "nobody reads its stdout" then needs far fewer clients. Elsewhere, or
/// if it fails, the pipe keeps its size.
fn shrink_pipe(pipe: &std::io::PipeWriter) {
    #[cfg(target_os = "linux")]
    let _ = rustix::pipe::fcntl_setpipe_size(pipe, 4096);
    #[cfg(not(target_os = "linux"))]
    let _ = pipe;
}

/// A server whose stdout is a pipe that nobody reads after the ready line, as when its output
/// goes to `less` and the reader paused, or to a terminal stopped with Ctrl-S: the pipe holds
/// 64 KiB, then every write to it waits. For checking that logging never blocks serving.
/// [`StdoutUnread::read_until`] starts reading it at last (the pipe drains).
#[derive(Debug)]
pub struct StdoutUnread {
    /// The address from the server's ready line.
    pub address: SocketAddr,
    name: String,
    child: Child,
    /// The pipe's reading end: kept open, unread, until `read_until`.
    stdout: Option<BufReader<std::io::PipeReader>>,
    /// Its lines, once `read_until` reads them.
    lines: Option<Receiver<String>>,
    stderr: Collected,
}

impl StdoutUnread {
    /// Starts `program` with `args` (a program name found on the `PATH`, such as `sh`, works
    /// too), reads its ready line (within [`STEP_TIMEOUT`]), and reads its stdout no more.
    /// Its stderr is collected apart.
    pub fn start(program: &Path, args: &[&str]) -> Result<StdoutUnread> {
        StdoutUnread::start_with_env(program, args, &[])
    }

    /// [`StdoutUnread::start`] with extra environment variables.
    pub fn start_with_env(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<StdoutUnread> {
        let name = display_name(program);
        let (reader, writer) = std::io::pipe().context("could not create a pipe")?;
        shrink_pipe(&writer);
        let mut command = Command::new(program);
        command
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start {}", program.display()))?;
        drop(command); // our copy of the pipe's writing end
        let (done, _) = mpsc::channel();
        let (stderr, _) = contain::read_all(child.stderr.take(), done);
        // Read the first line in a thread, so that waiting for it has a time limit.
        let (sender, first_line) = mpsc::channel();
        thread::spawn(move || {
            let mut stdout = BufReader::new(reader);
            let mut line = String::new();
            let read = stdout.read_line(&mut line).map(|_| line);
            let _ = sender.send((read, stdout));
        });
        let (line, stdout) = match first_line.recv_timeout(STEP_TIMEOUT) {
            Ok((Ok(line), stdout)) => (line, stdout),
            Ok((Err(error), _)) => {
                let _ = child.kill();
                bail!("could not read {name}'s stdout: {error}");
            }
            Err(_) => {
                let _ = child.kill();
                bail!("{name} printed no ready line within {STEP_TIMEOUT:?}");
            }
        };
        let address = line
            .trim_end()
            .strip_prefix(READY_PREFIX)
            .and_then(|address| address.parse().ok());
        let Some(address) = address else {
            let _ = child.kill();
            bail!("{name}'s first line is not a ready line: {line:?}");
        };
        Ok(StdoutUnread {
            address,
            name,
            child,
            stdout: Some(stdout),
            lines: None,
            stderr,
        })
    }

    /// The server's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Whether the server is still running (it has not exited, nor crashed).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// What the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        contain::collected_text(&self.stderr)
    }

    /// Starts reading the server's stdout at last (the pipe drains, and the server writes
    /// what it kept), and waits for a line for which `wanted` is true, at most [`STEP_TIMEOUT`]
    /// after the last line that came. Returns the lines up to and including it.
    pub fn read_until(&mut self, wanted: impl Fn(&str) -> bool) -> Result<Vec<String>> {
        if let Some(stdout) = self.stdout.take() {
            // Lines the first reader had buffered past the ready line come first.
            let buffered = std::io::Cursor::new(stdout.buffer().to_vec());
            let (lines, _) = contain::read_lines(
                std::io::Read::chain(buffered, stdout.into_inner()),
                contain::TEST_OUTPUT_LIMIT,
            );
            self.lines = Some(lines);
        }
        let lines = self.lines.as_ref().context("no stdout to read")?;
        let mut seen = Vec::new();
        loop {
            match lines.recv_timeout(STEP_TIMEOUT) {
                Ok(line) => {
                    let found = wanted(&line);
                    seen.push(line);
                    if found {
                        return Ok(seen);
                    }
                }
                Err(_) => bail!(
                    "{} printed no line as wanted within {STEP_TIMEOUT:?} ({} lines came; \
                     the last ones: {:?})",
                    self.name,
                    seen.len(),
                    &seen[seen.len().saturating_sub(5)..]
                ),
            }
        }
    }
}

impl Drop for StdoutUnread {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Starts `program` with `args` and its stdout a pipe that nobody reads ([`StdoutUnread`]),
/// then serves `clients` clients one after another with `exchange` (each must succeed: its
/// own reads need time limits), then reads the pipe at last and waits for the server's note
/// `N log lines dropped: stdout is not being read`. Fails naming the first client that was
/// not served, with what the server wrote to stderr. For the test "keeps serving when nobody
/// reads its stdout" of every server.
pub fn serves_with_stdout_unread(
    program: &Path,
    args: &[&str],
    clients: usize,
    exchange: impl Fn(SocketAddr) -> Result<()>,
) -> Result<()> {
    let mut server = StdoutUnread::start(program, args)?;
    for number in 1..=clients {
        if let Err(error) = exchange(server.address) {
            bail!(
                "{} did not serve client {number} of {clients} while nobody read its stdout: \
                 {error:#}\nits stderr:\n{}",
                server.name,
                server.stderr()
            );
        }
    }
    if !server.is_running() {
        bail!("{} stopped; its stderr:\n{}", server.name, server.stderr());
    }
    server
        .read_until(|line| line.ends_with(" log lines dropped: stdout is not being read"))
        .with_context(|| format!("{} never said how many log lines it dropped", server.name))?;
    Ok(())
}

/// A free port on 127.0.0.1 (for TCP and UDP) *outside* the operating system's range of
/// ephemeral ports, for a test that must start a server again on the same port.
///
/// Why: a server started on `--port 0` gets an ephemeral port, the kind the system also gives
/// to every outgoing connection. Once the server is killed, another test's client (a flood of
/// 1000 connections, say) may be given that very port for its side of a connection, and the
/// restarted server then fails with "address already in use", through no fault of its own.
/// No test asks the system for a port below the range. The port is picked from this process's
/// id and a counter, checked by binding it for TCP and UDP, and stays *reserved* for the other
/// protocol while the [`QuietPort`] lives: another test process looking for a quiet port finds
/// it taken and picks another, so that nobody starts a server on it while ours is down.
pub fn quiet_port(protocol: Protocol) -> Result<QuietPort> {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let (low, _) = ephemeral_range();
    // From 10000 up to the ephemeral range: thousands of ports no test is given by the system,
    // the lower half for TCP servers and the upper half for UDP servers, so that a search for
    // one never binds, even for a moment, a port whose server of the other kind is restarting.
    let half = u32::from(low).saturating_sub(10_000) / 2;
    let first = match protocol {
        Protocol::Tcp => 10_000,
        Protocol::Udp => 10_000 + half,
    };
    let span = half.max(1);
    for _ in 0..200 {
        let turn = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let offset = (std::process::id().wrapping_mul(7919) + turn * 104_729) % span;
        let Ok(port) = u16::try_from(first + offset) else {
            continue;
        };
        // The reservation first: a port another test process has reserved fails here, and
        // is never bound for the server's protocol, not even for a moment (its server may be
        // restarting on it right now).
        let reservation = match protocol {
            Protocol::Tcp => std::net::UdpSocket::bind(("127.0.0.1", port)).map(Reservation::Udp),
            Protocol::Udp => std::net::TcpListener::bind(("127.0.0.1", port)).map(Reservation::Tcp),
        };
        let Ok(reservation) = reservation else {
            continue;
        };
        // Then whether the server's protocol is free there too (released at once).
        let free = match protocol {
            Protocol::Tcp => std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(),
            Protocol::Udp => std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok(),
        };
        if free {
            return Ok(QuietPort {
                port,
                _reservation: reservation,
            });
        }
    }
    bail!("no free port below the ephemeral range ({low} and up)")
}

/// Which protocol the server on a [`quiet_port`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// A TCP server: the port stays reserved for UDP.
    Tcp,
    /// A UDP server: the port stays reserved for TCP.
    Udp,
}

/// A port from [`quiet_port`], reserved (for the other protocol) while this value lives.
#[derive(Debug)]
pub struct QuietPort {
    /// The port number.
    pub port: u16,
    _reservation: Reservation,
}

/// What holds a [`QuietPort`] for as long as it lives (the socket is only kept, never used).
#[derive(Debug)]
#[allow(
    dead_code,
    reason = "the sockets are held for as long as the reservation lives"
)]
enum Reservation {
    Tcp(std::net::TcpListener),
    Udp(std::net::UdpSocket),
}

/// The system's range of ephemeral ports: Linux says it in `/proc`; elsewhere, the range the
/// IANA recommends (macOS and Windows use it).
fn ephemeral_range() -> (u16, u16) {
    let linux = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|text| {
            let mut numbers = text.split_whitespace().map(|number| number.parse().ok());
            Some((numbers.next()??, numbers.next()??))
        });
    linux.unwrap_or((49_152, 65_535))
}

/// The processor time process `id` has used so far (user and system), from `/proc` on Linux;
/// `None` elsewhere.
pub fn cpu_time(id: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{id}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel counts in clock ticks, 100 a second on every Linux of the last decades.
    Some(Duration::from_millis(ticks * 10))
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
            // Often the start of a panic (whose first line on stderr may be empty): take what
            // follows for a moment, so that the error shows the panic and how the program ended.
            process.drain_for(Duration::from_millis(500));
            let exit = process.exit_description();
            bail!(
                "{} printed {line:?} before its ready line ({READY_PREFIX}<ip>:<port>; {exit}); its output:\n{}",
                process.name,
                process.seen.join("\n")
            );
        }
    }
}

/// The client's address in the first `accepted connection from <address>` line of `lines`
/// (a server's output, e.g. from [`Running::all_lines_at_exit`]).
pub fn accepted_client(lines: &[String]) -> Result<SocketAddr> {
    match lines
        .iter()
        .find_map(|line| client_in(line, ACCEPTED_PREFIX))
    {
        Some(client) => Ok(client),
        None => bail!(
            "no line `{ACCEPTED_PREFIX}<address>` in the output:\n{}",
            lines.join("\n")
        ),
    }
}

/// The address in `line` if it is exactly `prefix` followed by an address written the way
/// Rust writes it (`127.0.0.1:40000`, `[::1]:40000`).
fn client_in(line: &str, prefix: &str) -> Option<SocketAddr> {
    let text = line.strip_prefix(prefix)?;
    let address: SocketAddr = text.parse().ok()?;
    (address.to_string() == text).then_some(address)
}

/// The result of `run`: exit status and the exact output, stdout and stderr apart.
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

impl From<assert_cmd::assert::Assert> for Output {
    /// The output of a finished [`one_shot`] run, for a test that takes it apart itself.
    fn from(assert: assert_cmd::assert::Assert) -> Output {
        let output = assert.get_output();
        Output {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// What a [`one_shot`] run returns: `assert_cmd`'s checks of a finished program.
pub use assert_cmd::assert::Assert;

/// Runs `program` with `args`, feeding it `stdin`, to its end (killed after [`STEP_TIMEOUT`]),
/// and returns `assert_cmd`'s [`Assert`] to state what it must
/// have done: `one_shot(client, &args, b"").code(1).stdout("").stderr(expected)`. (Or
/// `Output::from(...)` to take its output apart.)
pub fn one_shot(program: &Path, args: &[&str], stdin: &[u8]) -> assert_cmd::assert::Assert {
    assert_cmd::Command::new(program)
        .args(args)
        .write_stdin(stdin)
        .timeout(STEP_TIMEOUT)
        .assert()
}

/// Runs `program` with `args`, feeding it `stdin`, and waits for it to exit (at most
/// [`STEP_TIMEOUT`]; then it is killed and this fails with what it printed). A one-shot run,
/// with `assert_cmd`.
pub fn run(program: &Path, args: &[&str], stdin: &[u8]) -> Result<Output> {
    run_with_timeout(program, args, stdin, STEP_TIMEOUT)
}

/// [`run`] with another time limit (a benchmark's transfer, say).
pub fn run_with_timeout(
    program: &Path,
    args: &[&str],
    stdin: &[u8],
    timeout: Duration,
) -> Result<Output> {
    let started = Instant::now();
    let output = assert_cmd::Command::new(program)
        .args(args)
        .write_stdin(stdin)
        .timeout(timeout)
        .output()
        .with_context(|| format!("could not run {}", program.display()))?;
    let output = Output {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    if output.status.code().is_none() && started.elapsed() >= timeout {
        bail!(
            "{} did not finish within {timeout:?}; killed it. Its stdout:\n{}\nIts stderr:\n{}",
            display_name(program),
            output.stdout,
            output.stderr
        );
    }
    Ok(output)
}

fn display_name(program: &Path) -> String {
    program
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| program.display().to_string())
}

/// Runs `program args... --help` and checks that it exits with 0 and that its help mentions
/// each of `wanted` (an option such as `--port`, or any other text). Fails naming the first
/// one missing, with the whole help.
pub fn expect_help_mentions(program: &Path, args: &[&str], wanted: &[&str]) -> Result<()> {
    let mut all = args.to_vec();
    all.push("--help");
    let command = format!("{} {}", display_name(program), all.join(" "));
    let output = run(program, &all, b"")?;
    if output.code() != 0 {
        bail!(
            "`{command}` exited with {}; its stderr:\n{}",
            output.code(),
            output.stderr
        );
    }
    if let Some(missing) = wanted.iter().find(|text| !output.stdout.contains(*text)) {
        bail!(
            "`{command}` does not mention {missing}; its help:\n{}",
            output.stdout
        );
    }
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    //! A program that starts others, and one that floods its output: nothing survives it, and
    //! what is kept of its output stays small.

    use std::path::Path;
    use std::time::{Duration, Instant};

    use super::{Running, STEP_TIMEOUT};
    use crate::contain::{LINE_LIMIT, OUTPUT_LIMIT, live_processes_in_group};

    /// Waits (at most 5 s) until no process of `group` is alive; returns those still alive.
    fn survivors(group: u32) -> Vec<u32> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let alive = live_processes_in_group(group);
            if alive.is_empty() || Instant::now() > deadline {
                return alive;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn sh(script: &str) -> Running {
        Running::start_with_limit(Path::new("sh"), &["-c", script], &[], OUTPUT_LIMIT)
            .expect("sh starts")
    }

    #[test]
    fn kill_ends_the_program_and_every_process_it_started() {
        let mut program = sh("sleep 300 & sleep 300 & (sleep 300 &) ; echo started; wait");
        program
            .expect_line("started")
            .expect("the children are started");
        let group = program.id();
        assert_eq!(
            live_processes_in_group(group).len(),
            4,
            "sh and three sleeps"
        );
        program.kill().expect("killed");
        assert_eq!(survivors(group), Vec::<u32>::new());
    }

    #[test]
    fn a_program_that_panics_before_its_ready_line_is_shown_whole_with_its_exit() {
        // A panic's first line on stderr is empty: the error must not stop at that line.
        let mut program = sh("echo >&2; echo \"thread 'main' panicked\" >&2; exit 101");
        let error = super::wait_until_ready(&mut program).expect_err("no ready line");
        let text = format!("{error:#}");
        assert!(text.contains("it exited: exit status: 101"), "{text}");
        assert!(text.contains("thread 'main' panicked"), "{text}");
    }

    #[test]
    fn dropping_a_program_ends_every_process_it_started() {
        let mut program = sh("sleep 300 & sleep 300 & echo started; wait");
        program
            .expect_line("started")
            .expect("the children are started");
        let group = program.id();
        drop(program);
        assert_eq!(survivors(group), Vec::<u32>::new());
    }

    #[test]
    fn a_program_that_exits_leaving_a_child_that_holds_its_output_finishes() {
        // The child keeps the output pipe open: waiting for the output to end would wait for
        // it. `finish` sees the program exit and kills what is left of its group.
        let mut program = sh("sleep 300 & echo bye");
        program.set_timeout(STEP_TIMEOUT);
        let group = program.id();
        let finished = program
            .finish()
            .expect("finishes without waiting for the child");
        assert!(finished.status.success());
        assert_eq!(finished.rest, ["bye"]);
        assert_eq!(survivors(group), Vec::<u32>::new());
    }

    #[test]
    fn a_flood_without_a_newline_keeps_one_cut_line_and_says_how_much_was_left_out() {
        let mut program = sh("echo ready; head -c 5000000 /dev/zero | tr '\\0' A");
        program.expect_line("ready").expect("the first line");
        let line = program.next_line().expect("the flood, cut");
        assert_eq!(
            line.len(),
            LINE_LIMIT + " [... line cut: longer than 64 KiB]".len()
        );
        let finished = program.finish().expect("finishes");
        assert!(finished.rest.is_empty());
        let seen = program.seen_with_note();
        assert_eq!(
            seen.last().map(String::as_str),
            Some(
                "[output cut: 4934464 bytes not kept (at most 64 KiB of a line and 1024 KiB in \
                 all are kept); 1 line was longer than 64 KiB]"
            )
        );
    }

    #[test]
    fn a_flood_of_lines_keeps_at_most_the_limit() {
        // A hundred thousand empty lines: each costs its bookkeeping, so not all are kept.
        let mut program = sh("head -c 100000 /dev/zero | tr '\\0' '\\n'");
        let finished = program.finish().expect("finishes");
        let kept: usize = finished.rest.iter().map(|line| line.len() + 64).sum();
        assert!(kept <= OUTPUT_LIMIT, "{kept} bytes kept");
        assert_eq!(
            finished.rest.len(),
            OUTPUT_LIMIT / 64,
            "the first lines are kept"
        );
        let note = program.seen_with_note().pop().expect("a note");
        assert!(
            note.starts_with("[output cut: 83616 bytes not kept"),
            "{note}"
        );
    }
}
