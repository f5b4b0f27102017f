//! The bench a check runs on: the student's server, started by the checker, and connections
//! to it that remember every byte sent and received, so that a failing step can show them.
//!
//! A step is a function `fn(&mut Lab) -> Result<(), Failure>`. It opens connections with
//! [`Lab::connect`], sends with [`Conn::send`] (or [`Conn::send_bytewise`], ...) and states
//! what must come back with [`Conn::expect`] and friends. Every read has a time limit, so a
//! step can fail but never hang. When an expectation fails, the [`Failure`] carries the bytes
//! sent, expected and received, and the commands that reproduce the exchange by hand.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use netlesson::show::show_bytes;

use testkit::procs::{Running, Server, StdoutClosed, StdoutUnread};

/// How long a reply may take before a step says that nothing came. Generous for a loaded
/// machine, short enough that a whole check stays quick.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(3);

/// The `--idle-timeout` the checker gives a server, in seconds: short, so that the step with a
/// silent client takes a second, not ten.
pub const IDLE_TIMEOUT: &str = "1";

/// How soon after its reply a server that should close must have closed: well before the
/// idle timeout, so that a server that only closes because the client went quiet is caught.
pub const PROMPT_CLOSE: Duration = Duration::from_millis(500);

/// Programs under test run without backtraces: the panic's message is what a student needs.
const QUIET_PANICS: &[(&str, &str)] = &[("RUST_BACKTRACE", "0")];

/// Why a step failed, with everything a student needs to see it happen again.
#[derive(Debug, Clone, Default)]
pub struct Failure {
    /// One sentence: what went wrong.
    pub problem: String,
    /// What the checker sent, shown as `--trace` shows bytes (with how: one write, ...).
    pub sent: Option<String>,
    /// What should have come back.
    pub expected: Option<String>,
    /// What came back.
    pub received: Option<String>,
    /// Commands that reproduce the exchange by hand, one per terminal. Unless one of them runs
    /// the program under test (a client exercise's do), the report puts the command that
    /// starts it as a server in front.
    pub reproduce: Vec<String>,
}

impl Failure {
    /// A failure with just a problem: add the rest with the `with_*` methods.
    pub fn new(problem: impl Into<String>) -> Failure {
        Failure {
            problem: problem.into(),
            ..Failure::default()
        }
    }

    /// Adds a line to the problem: what the step guesses went wrong, and what to do about it.
    pub fn with_note(mut self, note: impl AsRef<str>) -> Failure {
        self.problem = format!("{}\n{}", self.problem, note.as_ref());
        self
    }

    /// Adds a command that reproduces the failure by hand.
    pub fn with_reproduce(mut self, command: impl Into<String>) -> Failure {
        self.reproduce.push(command.into());
        self
    }
}

impl From<anyhow::Error> for Failure {
    /// A failure of the checker's own machinery (it could not start a process, ...).
    fn from(error: anyhow::Error) -> Failure {
        Failure::new(format!("{error:#}"))
    }
}

/// The result of a step.
pub type StepResult = Result<(), Failure>;

/// The program under test and how to talk to it.
pub struct Lab {
    program: PathBuf,
    /// The student's command to run the program by hand, without options (for reproduce lines).
    by_hand: String,
    /// The exercise's usual port, used in the commands shown for running it by hand.
    pub default_port: u16,
    /// Options every start of the server gets besides `--port` (e.g. `--idle-timeout 0.5`).
    server_args: Vec<String>,
    /// Options of the server running now only, for the steps that need them
    /// ([`Lab::use_extra_args`], e.g. `--max-clients 3`).
    extra_args: Vec<String>,
    server: Option<Server>,
    /// A folder the step may use (file-server's `--out-dir`), removed at the end.
    scratch: Option<PathBuf>,
    /// Course programs the check started beside the one under test (a lesson's server,
    /// wiretap), stopped at the end.
    helpers: Vec<Server>,
    /// What the program printed in its last [`Lab::run_program`] (a client exercise).
    client_output: Vec<String>,
    /// The server, when it was started with its stdout closed ([`Lab::start_with_stdout_closed`]).
    deaf_server: Option<StdoutClosed>,
    /// The server, when it was started with a stdout nobody reads
    /// ([`Lab::start_with_stdout_unread`]).
    unread_server: Option<StdoutUnread>,
    /// The port of [`Lab::start_on_quiet_port`], reserved while the lab lives.
    quiet_port: Option<testkit::procs::QuietPort>,
    /// How soon after its reply a server must close: [`PROMPT_CLOSE`], or [`REPLY_TIMEOUT`]
    /// for the steps that check serving, not promptness ([`Lab::be_patient`]).
    prompt_close: Duration,
}

impl Lab {
    /// A lab for `program`, which a student runs by hand with `by_hand` (e.g.
    /// `cargo run -p exercises --bin greet-server --`).
    pub fn new(program: &Path, by_hand: String, default_port: u16) -> Lab {
        Lab {
            program: program.to_path_buf(),
            by_hand,
            default_port,
            server_args: vec!["--idle-timeout".into(), IDLE_TIMEOUT.into()],
            extra_args: Vec::new(),
            server: None,
            scratch: None,
            helpers: Vec::new(),
            client_output: Vec::new(),
            deaf_server: None,
            unread_server: None,
            quiet_port: None,
            prompt_close: PROMPT_CLOSE,
        }
    }

    /// Starts one of the course's own servers, `bin` (e.g. `udp-server`, `wiretap`) from
    /// `package`, with `args`; returns the address of its ready line. It runs until the check
    /// ends. For client exercises, which need a server to talk to.
    pub fn start_helper(
        &mut self,
        package: &str,
        bin: &str,
        args: &[&str],
    ) -> Result<SocketAddr, Failure> {
        testkit::bins::build(&[package])?;
        let server = Server::start(&testkit::bins::path(bin)?, args)?;
        let address = server.address;
        self.helpers.push(server);
        Ok(address)
    }

    /// The program under test.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// Adds options that every start of the server gets (before the first start).
    pub fn add_server_args(&mut self, args: &[&str]) {
        self.server_args
            .extend(args.iter().map(|arg| arg.to_string()));
    }

    /// Makes sure the server runs with `extra` options besides the usual ones (e.g.
    /// `["--max-clients", "3"]`): if the server running has other extra options (or none), it
    /// is stopped and a fresh one started on `--port 0`. `&[]` goes back to the usual options.
    /// For a step that needs the server started differently; the steps after it keep `extra`
    /// until another step changes it.
    pub fn use_extra_args(&mut self, extra: &[&str]) -> StepResult {
        let extra: Vec<String> = extra.iter().map(|arg| arg.to_string()).collect();
        if extra != self.extra_args {
            if let Some(mut server) = self.server.take() {
                let _ = server.kill();
            }
            self.extra_args = extra;
        }
        self.start()
    }

    /// A fresh empty folder for this check (created on first use).
    pub fn scratch_dir(&mut self) -> Result<PathBuf, Failure> {
        if let Some(dir) = &self.scratch {
            return Ok(dir.clone());
        }
        // One process (`verify`) runs many checks: a number of its own for each.
        static CHECKS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let number = CHECKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("exercise-check-{}-{number}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|error| {
            Failure::new(format!("could not create {}: {error}", dir.display()))
        })?;
        self.scratch = Some(dir.clone());
        Ok(dir)
    }

    /// The command that starts the server by hand on its usual port, with the extra options of
    /// the server running now ([`Lab::use_extra_args`]) and `extra`.
    pub fn server_command(&self, extra: &str) -> String {
        let mut command = format!("{} --port {}", self.by_hand, self.default_port);
        for arg in &self.extra_args {
            command.push(' ');
            command.push_str(arg);
        }
        if !extra.is_empty() {
            command.push(' ');
            command.push_str(extra);
        }
        command
    }

    /// The command that runs the program by hand with `args` (for a client exercise).
    pub fn program_command(&self, args: &str) -> String {
        format!("{} {args}", self.by_hand).trim_end().to_string()
    }

    /// Starts the server on `--port 0` (unless it runs already) and waits for its ready line.
    pub fn start(&mut self) -> StepResult {
        if self.is_started() {
            return Ok(());
        }
        self.start_with_port("0")
    }

    /// Starts the server (if it is not running) on a port outside the system's ephemeral
    /// range ([`testkit::procs::quiet_port`]), so that it can be started again on that port
    /// after [`Lab::restart_on_same_port`] whatever else runs at the same time.
    pub fn start_on_quiet_port(&mut self) -> StepResult {
        if self.is_started() {
            return Ok(());
        }
        let quiet = testkit::procs::quiet_port(testkit::procs::Protocol::Tcp)
            .map_err(|error| Failure::new(format!("could not choose a port: {error:#}")))?;
        let port = quiet.port;
        self.quiet_port = Some(quiet);
        self.start_with_port(&port.to_string())
    }

    /// From now on, a server may take up to [`REPLY_TIMEOUT`] to close after its reply, not
    /// [`PROMPT_CLOSE`]: for the steps that serve thousands of clients to check that the server
    /// keeps serving (on a loaded machine, one close in thousands can come late).
    pub fn be_patient(&mut self) {
        self.prompt_close = REPLY_TIMEOUT;
    }

    /// Whether a server is running, however it was started.
    fn is_started(&self) -> bool {
        self.server.is_some() || self.deaf_server.is_some() || self.unread_server.is_some()
    }

    /// Starts the server on `--port 0`, with the environment variables `env`, and its stdout a
    /// pipe that nobody reads after the ready line (a paused `less`, a terminal stopped with
    /// Ctrl-S): after 64 KiB of lines, every write to it waits. A server must keep serving all
    /// the same.
    pub fn start_with_stdout_unread(&mut self, env: &[(&str, &str)]) -> StepResult {
        let mut args = vec!["--port", "0"];
        args.extend(self.server_args.iter().map(String::as_str));
        self.unread_server = Some(StdoutUnread::start_with_env(&self.program, &args, env)?);
        Ok(())
    }

    /// Reads the stdout of a server started with [`Lab::start_with_stdout_unread`] at last, up
    /// to the line for which `wanted` is true.
    pub fn read_unread_stdout_until(
        &mut self,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<Vec<String>, Failure> {
        let unread = self
            .unread_server
            .as_mut()
            .ok_or_else(|| Failure::new("the server was not started with its stdout unread"))?;
        Ok(unread.read_until(wanted)?)
    }

    /// Starts the server on `--port 0` with at most `descriptors` file descriptors (`sh -c
    /// 'ulimit -n N && exec ...'`): every connection takes one, and `accept` fails with "too
    /// many open files" once they are used up.
    pub fn start_with_descriptor_limit(&mut self, descriptors: u32) -> StepResult {
        let program = self.program.to_string_lossy().into_owned();
        let script = format!("ulimit -n {descriptors} && exec \"$0\" \"$@\"");
        let mut args = vec!["-c", script.as_str(), program.as_str(), "--port", "0"];
        args.extend(self.server_args.iter().map(String::as_str));
        let server = Server::start_with_env(Path::new("sh"), &args, QUIET_PANICS)?;
        self.server = Some(server);
        Ok(())
    }

    /// The server's process id, if it is running.
    pub fn server_id(&self) -> Option<u32> {
        match (&self.server, &self.deaf_server, &self.unread_server) {
            (Some(server), _, _) => Some(server.id()),
            (None, _, Some(unread)) => Some(unread.id()),
            _ => None,
        }
    }

    fn start_with_port(&mut self, port: &str) -> StepResult {
        let mut args = vec!["--port", port];
        args.extend(self.server_args.iter().map(String::as_str));
        args.extend(self.extra_args.iter().map(String::as_str));
        match Server::start_with_env(&self.program, &args, QUIET_PANICS) {
            Ok(server) => {
                self.server = Some(server);
                Ok(())
            }
            Err(error) => Err(Failure::new(format!(
                "the program did not start as a server should: its first line must be \
                 `listening on <ip>:<port>`.\n{error:#}"
            ))
            .with_reproduce(self.server_command(""))),
        }
    }

    /// The address the server announced.
    pub fn address(&self) -> Result<SocketAddr, Failure> {
        match (&self.server, &self.deaf_server, &self.unread_server) {
            (Some(server), _, _) => Ok(server.address),
            (None, Some(deaf), _) => Ok(deaf.address),
            (None, None, Some(unread)) => Ok(unread.address),
            (None, None, None) => Err(Failure::new("the checker has not started the server")),
        }
    }

    /// One of the course's own programs, `bin` from `package` (built first), as the program
    /// under test: the course-wide contract suite checks every server with the same steps
    /// as the exercises.
    pub fn for_course_binary(package: &str, bin: &str, default_port: u16) -> Result<Lab, Failure> {
        testkit::bins::build(&[package])?;
        let program = testkit::bins::path(bin)?;
        let by_hand = format!("cargo run -q --bin {bin} --");
        Ok(Lab::new(&program, by_hand, default_port))
    }

    /// Starts the server on `--port 0` and closes its stdout right after the ready line, as
    /// `server | head -1` does: from then on every line it prints fails.
    pub fn start_with_stdout_closed(&mut self) -> StepResult {
        let mut args = vec!["--port", "0"];
        args.extend(self.server_args.iter().map(String::as_str));
        let deaf = StdoutClosed::start(&self.program, &args)?;
        self.deaf_server = Some(deaf);
        Ok(())
    }

    /// The lines the server has printed so far that name `client` (its address), in order.
    pub fn lines_about(&mut self, client: SocketAddr) -> Vec<String> {
        let address = client.to_string();
        self.server_output()
            .into_iter()
            .filter(|line| line.contains(&address))
            .collect()
    }

    /// Connects to the server (starting it first if needed).
    pub fn connect(&mut self) -> Result<Conn, Failure> {
        self.start()?;
        let address = self.address()?;
        let by_hand = format!("127.0.0.1 {}", self.default_port);
        match TcpStream::connect_timeout(&address, REPLY_TIMEOUT) {
            Ok(stream) => Conn::new(stream, by_hand).map(|mut conn| {
                conn.prompt_close = self.prompt_close;
                conn
            }),
            Err(error) => Err(self.stopped_or(Failure::new(format!(
                "could not connect to the server at {address}: {error}"
            )))),
        }
    }

    /// Fails if the server has exited: a server must outlive any client.
    pub fn expect_running(&mut self) -> StepResult {
        if let Some(unread) = self.unread_server.as_mut() {
            return match unread.is_running() {
                true => Ok(()),
                false => Err(Failure::new(format!(
                    "the server stopped while nobody read its stdout: a server must keep \
                     serving when its output is not read. Its stderr:\n{}",
                    unread.stderr()
                ))),
            };
        }
        if let Some(deaf) = self.deaf_server.as_mut() {
            return match deaf.is_running() {
                true => Ok(()),
                false => Err(Failure::new(
                    "the server stopped after its stdout was closed: a server must keep serving \
                     when nobody reads its output",
                )),
            };
        }
        let Some(server) = self.server.as_mut() else {
            return Ok(());
        };
        match server.exit_status() {
            None => Ok(()),
            Some(status) => Err(Failure::new(format!(
                "the server stopped ({}): a server must keep serving whatever one client does",
                describe_exit(status)
            ))),
        }
    }

    /// `failure`, unless the server has exited: then that is the real problem. (A server that
    /// panicked may take a moment to exit after its connections broke: wait a little.)
    pub fn stopped_or(&mut self, failure: Failure) -> Failure {
        let deadline = Instant::now() + Duration::from_millis(300);
        while self.expect_running().is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        match self.expect_running() {
            // Said already (a shared step said it before the runner asks again).
            Err(stopped) if failure.problem.contains(&stopped.problem) => failure,
            Err(stopped) => Failure {
                problem: format!(
                    "{}\nWhat the client saw: {}",
                    stopped.problem, failure.problem
                ),
                ..failure
            },
            Ok(()) => failure,
        }
    }

    /// Kills the server (as a crash or Ctrl-C would) and starts it again at once on the same
    /// port: a server must be able to bind its port again right away, even while connections
    /// of its previous run linger in `TIME_WAIT`.
    pub fn restart_on_same_port(&mut self) -> StepResult {
        let port = self.address()?.port();
        if let Some(mut server) = self.server.take() {
            let _ = server.kill();
        }
        self.start_with_port(&port.to_string())
            .map_err(|failure| Failure {
                problem: format!(
                    "after a crash, the server could not start again on the same port {port} at \
                 once. A server needs SO_REUSEADDR for that (TcpListener::bind sets it; a \
                 socket made by hand must set it itself).\n{}",
                    failure.problem
                ),
                ..failure
            })
    }

    /// Every line the server printed so far (ready line included), for failure reports; for a
    /// client exercise, what the program printed in its last run.
    pub fn server_output(&mut self) -> Vec<String> {
        match self.server.as_mut() {
            Some(server) => {
                server.read_available();
                server.seen().to_vec()
            }
            None => self.client_output.clone(),
        }
    }

    /// Stops the server and removes the scratch folder.
    pub fn finish(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = server.kill();
        }
        if let Some(deaf) = self.deaf_server.take() {
            let _ = deaf.stop();
        }
        // Dropping it kills the server.
        self.unread_server = None;
        for mut helper in self.helpers.drain(..) {
            let _ = helper.kill();
        }
        if let Some(dir) = self.scratch.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    /// Runs the program to its end with `args` (a client exercise), at most `limit`; a failure
    /// report shows what it printed ([`Lab::server_output`]).
    pub fn run_program(&mut self, args: &[&str], limit: Duration) -> Result<RunResult, Failure> {
        let mut program = Running::start_with_env(&self.program, args, QUIET_PANICS)?;
        program.set_timeout(limit);
        program.close_stdin();
        let finished = program.finish();
        self.client_output = program.seen().to_vec();
        match finished {
            Ok(finished) => Ok(RunResult {
                status: finished.status,
                lines: finished.rest,
            }),
            Err(_) => Err(Failure::new(format!(
                "the program did not finish within {}, so the checker stopped it",
                seconds(limit)
            ))),
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.finish();
    }
}

/// How a client program ended: its exit status and every line it printed.
#[derive(Debug)]
pub struct RunResult {
    /// The exit status.
    pub status: std::process::ExitStatus,
    /// Its stdout and stderr, line by line, in order.
    pub lines: Vec<String>,
}

/// How an exit status reads in a sentence.
pub fn describe_exit(status: std::process::ExitStatus) -> String {
    match status.code() {
        Some(101) => "exit status 101: it panicked".to_string(),
        Some(code) => format!("exit status {code}"),
        None => "killed by a signal".to_string(),
    }
}

/// How the bytes of a connection were sent, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pace {
    OneWrite,
    Bytewise,
}

/// One connection to the server under test, which remembers what went each way.
pub struct Conn {
    stream: TcpStream,
    sent: Vec<u8>,
    pace: Pace,
    half_closed: bool,
    received: Vec<u8>,
    /// How many of the received bytes the step has already checked or taken: the next
    /// expectation starts there (one read may bring a reply and more after it).
    consumed: usize,
    /// How the connection ended (`the connection closed`, a reset, ...): `None` while open.
    end: Option<String>,
    /// How long the last read waited in vain, if it did.
    quiet: Option<Duration>,
    /// How soon after its reply the server must close ([`PROMPT_CLOSE`] unless the lab is
    /// patient).
    prompt_close: Duration,
    /// `127.0.0.1 PORT` with the exercise's usual port, for reproduce commands.
    by_hand: String,
}

impl Conn {
    fn new(stream: TcpStream, by_hand: String) -> Result<Conn, Failure> {
        let setup = stream
            .set_nodelay(true)
            .and_then(|()| stream.set_write_timeout(Some(REPLY_TIMEOUT)));
        setup.map_err(|error| Failure::new(format!("could not set up a connection: {error}")))?;
        Ok(Conn {
            stream,
            sent: Vec::new(),
            pace: Pace::OneWrite,
            half_closed: false,
            received: Vec::new(),
            consumed: 0,
            end: None,
            quiet: None,
            prompt_close: PROMPT_CLOSE,
            by_hand,
        })
    }

    /// Our side's address (the one the server sees).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.stream.local_addr().ok()
    }

    /// Sends `data` in one write.
    pub fn send(&mut self, data: &[u8]) -> StepResult {
        self.sent.extend_from_slice(data);
        match self.stream.write_all(data) {
            Ok(()) => Ok(()),
            Err(error) => Err(self.send_failed(format!("could not send: {}", explain(&error)))),
        }
    }

    /// Sends `data` one byte per write (each in its own TCP segment).
    pub fn send_bytewise(&mut self, data: &[u8]) -> StepResult {
        self.pace = Pace::Bytewise;
        for byte in data {
            self.sent.push(*byte);
            if let Err(error) = self.stream.write_all(&[*byte]) {
                let problem = format!("could not send a byte: {}", explain(&error));
                return Err(self.send_failed(problem));
            }
            // A moment between bytes, so that each leaves on its own: the server must cope
            // with a message cut anywhere.
            std::thread::sleep(Duration::from_millis(1));
        }
        Ok(())
    }

    /// Closes our sending side (`shutdown(SHUT_WR)`): the server reads end of file, and can
    /// still send its reply.
    pub fn half_close(&mut self) -> StepResult {
        self.half_closed = true;
        self.stream
            .shutdown(Shutdown::Write)
            .map_err(|error| self.failure(format!("could not shut down: {error}")))
    }

    /// Closes the connection with a reset (RST), as a crashed client looks to the server.
    pub fn reset(self) -> StepResult {
        let linger = socket2::SockRef::from(&self.stream).set_linger(Some(Duration::ZERO));
        linger.map_err(|error| Failure::new(format!("could not set SO_LINGER: {error}")))?;
        drop(self.stream);
        Ok(())
    }

    /// Reads until `expected` has arrived (exactly those bytes next), within [`REPLY_TIMEOUT`].
    pub fn expect(&mut self, expected: &[u8]) -> StepResult {
        let start = self.consumed;
        let deadline = Instant::now() + REPLY_TIMEOUT;
        while self.received.len() < start + expected.len()
            && expected.starts_with(&self.received[start..])
            && self.read_some(deadline)
        {}
        let end = self.received.len().min(start + expected.len());
        if self.received[start..end] == *expected {
            self.consumed = end;
            return Ok(());
        }
        let problem = wrong_reply(&self.received[start..], expected);
        Err(self.mismatch(start, expected, "", &problem))
    }

    /// [`Conn::expect`], then the server must close the connection, with nothing more.
    pub fn expect_then_close(&mut self, expected: &[u8]) -> StepResult {
        let start = self.consumed;
        self.expect(expected)?;
        let deadline = Instant::now() + self.prompt_close;
        let before = self.consumed;
        while self.received.len() == before && self.read_some(deadline) {}
        if self.received.len() == before && self.end.as_deref() == Some(CLOSED) {
            return Ok(());
        }
        let problem = if self.received.len() > before {
            "the server sent more than the reply"
        } else {
            "the server did not close the connection right after its reply"
        };
        Err(self.mismatch(start, expected, ", then the connection closed", problem))
    }

    /// The server must close the connection without sending anything.
    pub fn expect_close(&mut self) -> StepResult {
        self.expect_then_close(b"")
    }

    /// Nothing arrives for `quiet`, and the connection stays open.
    pub fn expect_silence(&mut self, quiet: Duration) -> StepResult {
        let start = self.consumed;
        let deadline = Instant::now() + quiet;
        while self.read_some(deadline) {}
        if self.received.len() == start && self.end.is_none() {
            return Ok(());
        }
        Err(self.mismatch(start, b"", "", "the server did not wait for the client"))
    }

    /// Everything the server sends until it closes the connection (at most `limit` bytes,
    /// within [`REPLY_TIMEOUT`]); for replies whose value the step checks itself.
    pub fn read_to_close(&mut self, limit: usize) -> Result<Vec<u8>, Failure> {
        let start = self.consumed;
        let deadline = Instant::now() + REPLY_TIMEOUT;
        while self.received.len() - start <= limit && self.read_some(deadline) {}
        if self.end.as_deref() == Some(CLOSED) {
            self.consumed = self.received.len();
            return Ok(self.received[start..].to_vec());
        }
        Err(self.mismatch(
            start,
            b"",
            "a reply, then the connection closed",
            "the server did not close the connection",
        ))
    }

    /// Everything the server sends until it closes the connection, for replies whose value
    /// the step judges itself (a binary number, ...): at most `limit` bytes, the first within
    /// [`REPLY_TIMEOUT`], and the close within [`PROMPT_CLOSE`] of the last byte, so that a
    /// server that keeps the connection open after its reply fails even if it closes later.
    /// A server that closes without sending anything gives an empty reply.
    pub fn read_reply_then_close(&mut self, limit: usize) -> Result<Vec<u8>, Failure> {
        let start = self.consumed;
        let mut deadline = Instant::now() + REPLY_TIMEOUT;
        loop {
            let before = self.received.len();
            let more = self.read_some(deadline);
            if self.received.len() - start > limit {
                let problem = format!("the server sent more than {limit} bytes");
                return Err(self.mismatch(start, b"", "", &problem));
            }
            if self.received.len() > before {
                deadline = deadline.min(Instant::now() + self.prompt_close);
            }
            if !more {
                break;
            }
        }
        if self.end.as_deref() == Some(CLOSED) {
            self.consumed = self.received.len();
            return Ok(self.received[start..].to_vec());
        }
        let problem = match (self.received.len() > start, &self.end) {
            (_, Some(_)) => "the connection failed",
            (false, None) => "nothing arrived",
            (true, None) => "the server did not close the connection right after its reply",
        };
        Err(self.mismatch(start, b"", "a reply, then the connection closed", problem))
    }

    /// Every byte received on this connection so far, for a step that explains what was
    /// wrong with a reply.
    pub fn received(&self) -> &[u8] {
        &self.received
    }

    /// Whether the server has closed the connection normally (not reset it).
    pub fn closed(&self) -> bool {
        self.end.as_deref() == Some(CLOSED)
    }

    /// The next `count` bytes the server sends, whatever they are (within [`REPLY_TIMEOUT`]);
    /// for replies that the step takes apart itself, such as a length header.
    pub fn receive(&mut self, count: usize) -> Result<Vec<u8>, Failure> {
        let start = self.consumed;
        let deadline = Instant::now() + REPLY_TIMEOUT;
        while self.received.len() < start + count && self.read_some(deadline) {}
        if self.received.len() >= start + count {
            self.consumed = start + count;
            return Ok(self.received[start..start + count].to_vec());
        }
        let expected = format!("{count} bytes");
        Err(self.mismatch(start, b"", &expected, "the reply is cut short"))
    }

    /// The next line the server sends, up to and including its `\n` (at most `limit` bytes,
    /// within [`REPLY_TIMEOUT`]), for a reply whose value the step checks itself.
    pub fn read_line(&mut self, limit: usize) -> Result<Vec<u8>, Failure> {
        let start = self.consumed;
        let deadline = Instant::now() + REPLY_TIMEOUT;
        loop {
            if let Some(at) = self.received[start..]
                .iter()
                .position(|&byte| byte == b'\n')
            {
                self.consumed = start + at + 1;
                return Ok(self.received[start..=start + at].to_vec());
            }
            if self.received.len() - start > limit || !self.read_some(deadline) {
                return Err(self.mismatch(
                    start,
                    b"",
                    "a line ending in \\n",
                    "no whole line came",
                ));
            }
        }
    }

    /// The bytes received that no expectation has taken yet: after a failed [`Conn::expect`],
    /// the wrong reply, for a step that explains what it means.
    pub fn unchecked(&self) -> &[u8] {
        &self.received[self.consumed..]
    }

    /// Waits up to `limit` for the server to close the connection, ignoring what it sends;
    /// returns whether it did (a reset counts as closed).
    pub fn closes_within(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while self.read_some(deadline) {}
        self.end.is_some()
    }

    /// One read of whatever arrives before `deadline`. Returns whether reading may go on:
    /// false once the connection has ended or the deadline has passed.
    fn read_some(&mut self, deadline: Instant) -> bool {
        if self.end.is_some() {
            return false;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        let _ = self.stream.set_read_timeout(Some(left));
        let mut buffer = [0u8; 64 * 1024];
        match self.stream.read(&mut buffer) {
            Ok(0) => self.end = Some(CLOSED.to_string()),
            Ok(count) => {
                self.received.extend_from_slice(&buffer[..count]);
                self.quiet = None;
            }
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                self.quiet = Some(left);
                return false;
            }
            Err(error) => self.end = Some(format!("the connection failed: {}", explain(&error))),
        }
        self.end.is_none()
    }

    /// A failure showing what arrived from byte `start` on and how the connection ended,
    /// against `expected` (bytes, then `expected_end` in words; or only the words).
    pub fn mismatch(
        &self,
        start: usize,
        expected: &[u8],
        expected_end: &str,
        problem: &str,
    ) -> Failure {
        let got = &self.received[start..];
        let mut received = match got.is_empty() {
            true => "nothing".to_string(),
            false => show_bytes(got),
        };
        if let Some(end) = &self.end {
            received.push_str(&format!(", then {end}"));
        } else if let Some(waited) = self.quiet {
            received.push_str(&format!(" (and nothing more within {})", seconds(waited)));
        }
        let expected = match expected.is_empty() {
            true => expected_end.trim_start_matches(", ").to_string(),
            false => format!("{}{expected_end}", show_bytes(expected)),
        };
        let mut failure = self.failure(problem.to_string());
        failure.expected = Some(expected);
        failure.received = Some(received);
        failure
    }

    /// A failure to send: what the server sent before it closed the connection often says
    /// why (an error reply), so read what is there, briefly, and show it.
    fn send_failed(&mut self, problem: String) -> Failure {
        let deadline = Instant::now() + Duration::from_millis(200);
        while self.read_some(deadline) {}
        let mut failure = self.failure(problem);
        let got = &self.received[self.consumed..];
        if !got.is_empty() {
            let end = self.end.as_deref().map(|end| format!(", then {end}"));
            failure.received = Some(format!("{}{}", show_bytes(got), end.unwrap_or_default()));
        }
        failure
    }

    /// A failure carrying what this connection sent, and how to send it by hand.
    pub fn failure(&self, problem: String) -> Failure {
        let pace = match self.pace {
            Pace::OneWrite => "in one write",
            Pace::Bytewise => "one byte per write",
        };
        let closed = match self.half_closed {
            true => ", then shutdown(SHUT_WR)",
            false => "",
        };
        let sent = match self.sent.is_empty() {
            true => format!("nothing{closed}"),
            false => format!("{} ({pace}{closed})", show_bytes(&self.sent)),
        };
        Failure {
            problem,
            sent: Some(sent),
            reproduce: vec![self.reproduce()],
            ..Failure::default()
        }
    }

    /// The `nc` command that sends the same bytes by hand.
    fn reproduce(&self) -> String {
        let target = &self.by_hand;
        if self.sent.is_empty() {
            return format!("nc {target}    (and type nothing)");
        }
        // -N: nc closes its sending side when printf's output ends, so that the server sees the
        // end of the input (and nc does not wait for the idle timeout).
        let send = format!("printf '{}' | nc -N {target}", printf_escape(&self.sent));
        match self.pace {
            Pace::OneWrite => send,
            Pace::Bytewise => format!(
                "{send}    (nc sends it in one piece; to cut it into bytes, put wiretap between: \
                 cargo run -q --bin wiretap -- tcp --listen 127.0.0.1:9000 --to {} --chunk 1, \
                 and send to port 9000)",
                target.replace(' ', ":")
            ),
        }
    }
}

/// Says how `got` differs from `expected`, in a sentence.
fn wrong_reply(got: &[u8], expected: &[u8]) -> String {
    match got.iter().zip(expected).position(|(a, b)| a != b) {
        Some(at) => format!(
            "Wrong reply: it differs from the expected one from byte {} on (counting from 1); \
             compare the two below",
            at + 1
        ),
        None if got.is_empty() => "No reply: nothing arrived where a reply was expected".into(),
        None => format!(
            "The reply stopped short: {} of the {} bytes expected arrived",
            got.len(),
            expected.len()
        ),
    }
}

/// How [`Conn`] says that the server closed the connection.
const CLOSED: &str = "the connection closed";

/// `bytes` as quoted text in which only the bytes that are not UTF-8 are escaped (`\xff`), for
/// a request that is text but for a byte or two: `"UPPER \xff\xfe\n"` reads better than the
/// hex that [`show_bytes`] shows for anything that is not all text. Long ones are cut, as
/// `show_bytes` cuts them.
pub fn show_text_and_bytes(bytes: &[u8]) -> String {
    const SHOWN: usize = 64;
    let mut text = String::from("\"");
    for chunk in bytes[..bytes.len().min(SHOWN)].utf8_chunks() {
        text.extend(chunk.valid().chars().flat_map(char::escape_debug));
        for byte in chunk.invalid() {
            text.push_str(&format!("\\x{byte:02x}"));
        }
    }
    text.push('"');
    if bytes.len() > SHOWN {
        text.push_str(&format!(" ... ({} more bytes)", bytes.len() - SHOWN));
    }
    text
}

/// `bytes` written for the shell's `printf '...'`: printable ASCII as is, the rest escaped
/// (octal, which every `printf` understands).
pub fn printf_escape(bytes: &[u8]) -> String {
    let mut text = String::new();
    for &byte in bytes {
        match byte {
            b'\n' => text.push_str("\\n"),
            b'\r' => text.push_str("\\r"),
            b'\t' => text.push_str("\\t"),
            b'\\' => text.push_str("\\\\"),
            b'%' => text.push_str("%%"),
            b'\'' => text.push_str("'\\''"),
            b' '..=b'~' => text.push(byte as char),
            _ => text.push_str(&format!("\\{byte:03o}")),
        }
    }
    text
}

fn explain(error: &std::io::Error) -> String {
    match error.kind() {
        ErrorKind::ConnectionReset => "the server reset the connection".to_string(),
        ErrorKind::BrokenPipe => "the server had closed the connection".to_string(),
        ErrorKind::WouldBlock | ErrorKind::TimedOut => "timed out".to_string(),
        _ => error.to_string(),
    }
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::{printf_escape, show_text_and_bytes};

    #[test]
    fn show_text_and_bytes_escapes_only_what_is_not_utf8() {
        assert_eq!(
            show_text_and_bytes(b"UPPER \xff\xfe\n"),
            r#""UPPER \xff\xfe\n""#
        );
        assert_eq!(show_text_and_bytes("Zoë".as_bytes()), r#""Zoë""#);
        assert_eq!(
            show_text_and_bytes(&[b'a'; 70]),
            format!("\"{}\" ... (6 more bytes)", "a".repeat(64))
        );
    }

    #[test]
    fn printf_escape_keeps_text_and_escapes_the_rest() {
        assert_eq!(printf_escape(b"Ada"), "Ada");
        assert_eq!(printf_escape(b"UPPER hi\r\n"), "UPPER hi\\r\\n");
        assert_eq!(printf_escape(&[0xff, 0xfe]), "\\377\\376");
        assert_eq!(printf_escape(b"100% it's"), "100%% it'\\''s");
    }
}
