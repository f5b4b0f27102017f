//! The bench a check runs on: the student's server, started by the checker, and connections
//! to it that remember every byte sent and received, so that a failing step can show them.
//!
//! A step is a function `fn(&mut Lab) -> Result<(), Failure>`. It opens connections with
//! [`Lab::connect`], sends with [`Conn::send`] (or [`Conn::send_bytewise`], ...) and states
//! what must come back with [`Conn::expect`] and friends. Every read has a time limit, so a
//! step can fail but never hang. When an expectation fails, the [`Failure`] carries the bytes
//! sent, expected and received, and the commands that reproduce the exchange by hand.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use testkit::contain::OUTPUT_LIMIT;
use testkit::procs::{Running, Server, StdoutClosed, StdoutUnread};

// The connections, and what a failed step reports, are the test kit's one TCP test client.
pub use testkit::client::{
    Blame, Conn, End, Failure, PROMPT_CLOSE, StepResult, printf_escape, show_text_and_bytes,
};

/// How long a reply may take before a step says that nothing came. Generous for a loaded
/// machine, short enough that a whole check stays quick.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(3);

/// The `--idle-timeout` the checker gives a server, in seconds: short, so that the step with a
/// silent client takes a second, not ten.
pub const IDLE_TIMEOUT: &str = "1";

/// How many quiet ports [`Lab::start_on_quiet_port`] tries before it blames the server.
pub const QUIET_PORT_TRIES: usize = 3;

/// Programs under test run without backtraces: the panic's message is what a student needs.
const QUIET_PANICS: &[(&str, &str)] = &[("RUST_BACKTRACE", "0")];

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
    /// How many times the program under test was started, to tell one run's output from the
    /// next ([`Lab::output_mark`]).
    starts: usize,
    /// The server, when it was started with a stdout nobody reads
    /// ([`Lab::start_with_stdout_unread`]).
    unread_server: Option<StdoutUnread>,
    /// The port of [`Lab::start_on_quiet_port`], reserved while the lab lives.
    quiet_port: Option<testkit::procs::QuietPort>,
    /// How soon after its reply a server must close: [`PROMPT_CLOSE`], or [`REPLY_TIMEOUT`]
    /// for the steps that check serving, not promptness ([`Lab::be_patient`]).
    prompt_close: Duration,
    /// How many connections the checker made to the server running now, since it started: none
    /// when it stops, and it stopped on its own, not because of a client.
    clients: usize,
}

/// Where the program's output stood at a moment ([`Lab::output_mark`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputMark {
    starts: usize,
    lines: usize,
}

/// A failure to start the program under test: the program's, or the checker's when the system
/// failed (it could not run a program, make a pipe: an I/O error at the root of `error`).
fn failed_start(error: anyhow::Error, problem: String) -> Failure {
    match error.root_cause().downcast_ref::<std::io::Error>() {
        Some(_) => Failure::of_checker(format!("{error:#}")),
        None => Failure::new(problem),
    }
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
            starts: 0,
            unread_server: None,
            quiet_port: None,
            prompt_close: PROMPT_CLOSE,
            clients: 0,
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
        let server = Server::start_with_limit(&testkit::bins::path(bin)?, args, &[], OUTPUT_LIMIT)?;
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
            Failure::of_checker(format!("could not create {}: {error}", dir.display()))
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
    ///
    /// A port found free can still be taken in the moment before the server binds it (by a
    /// program that does not know about quiet ports), which is nobody's fault: a start that
    /// fails with "address already in use" is tried again on another quiet port, up to
    /// [`QUIET_PORT_TRIES`] in all; a server that cannot bind any of them fails the step.
    pub fn start_on_quiet_port(&mut self) -> StepResult {
        if self.is_started() {
            return Ok(());
        }
        let mut tries = 0;
        loop {
            tries += 1;
            let quiet =
                testkit::procs::quiet_port(testkit::procs::Protocol::Tcp).map_err(|error| {
                    Failure::of_checker(format!("could not choose a port: {error:#}"))
                })?;
            let port = quiet.port;
            self.quiet_port = Some(quiet);
            match self.start_with_port(&port.to_string()) {
                Err(failure)
                    if tries < QUIET_PORT_TRIES
                        && failure.problem.to_lowercase().contains("already in use") =>
                {
                    continue;
                }
                result => return result,
            }
        }
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
        self.clients = 0;
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
        self.starts += 1;
        let mut args = vec!["--port", port];
        args.extend(self.server_args.iter().map(String::as_str));
        args.extend(self.extra_args.iter().map(String::as_str));
        match Server::start_with_limit(&self.program, &args, QUIET_PANICS, OUTPUT_LIMIT) {
            Ok(server) => {
                self.server = Some(server);
                self.clients = 0;
                Ok(())
            }
            Err(error) => {
                let problem = format!(
                    "the program did not start as a server should: its first line must be \
                     `listening on <ip>:<port>`.\n{error:#}"
                );
                Err(failed_start(error, problem).with_reproduce(self.server_command("")))
            }
        }
    }

    /// The process id of the server running now, if any: to read its threads in `/proc`.
    pub fn server_pid(&self) -> Option<u32> {
        self.server.as_ref().map(|server| server.id())
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
        self.starts += 1;
        let mut args = vec!["--port", "0"];
        args.extend(self.server_args.iter().map(String::as_str));
        let deaf = StdoutClosed::start(&self.program, &args).map_err(|error| {
            let problem = format!("the program did not start as a server should: {error:#}");
            failed_start(error, problem)
        })?;
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
        let prompt_close = self.prompt_close;
        let mut conn = Conn::connect_with(address, REPLY_TIMEOUT, by_hand)
            .map_err(|failure| self.stopped_or(failure))?;
        conn.set_prompt_close(prompt_close);
        self.clients += 1;
        Ok(conn)
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
            Some(status) => Err(Failure::new(stopped_problem(
                &describe_exit(status),
                self.clients,
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
                server.seen_with_note()
            }
            None => self.client_output.clone(),
        }
    }

    /// Where the program's output stands now: [`Lab::output_since`] then gives only what it
    /// printed after (a failing step's report shows what the program printed during the step).
    pub fn output_mark(&mut self) -> OutputMark {
        OutputMark {
            starts: self.starts,
            lines: self.server_output().len(),
        }
    }

    /// The lines the program printed since `mark` (a program started since then: all its
    /// lines), and how many lines it had printed before, which are left out.
    pub fn output_since(&mut self, mark: OutputMark) -> (Vec<String>, usize) {
        let mut lines = self.server_output();
        if self.starts == mark.starts {
            lines.drain(..mark.lines.min(lines.len()));
        }
        (lines, mark.lines)
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
        self.starts += 1;
        let mut program =
            Running::start_with_limit(&self.program, args, QUIET_PANICS, OUTPUT_LIMIT)?;
        program.set_timeout(limit);
        program.close_stdin();
        let finished = program.finish();
        self.client_output = program.seen_with_note();
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

/// What a server that has stopped (`status`, [`describe_exit`]) did wrong, when `clients` had
/// connected to it: none, and it stopped on its own at startup, through no client's doing;
/// one, and it may have stopped at startup all the same (a connection is made as soon as the
/// port listens, before the server accepts it), or because of that client.
pub fn stopped_problem(status: &str, clients: usize) -> String {
    match clients {
        0 => format!(
            "the server stopped on its own at startup ({status}), before any client connected: \
             after its `listening on` line, a server must keep running and serve until it is \
             stopped"
        ),
        1 => format!(
            "the server stopped ({status}) while its first client was connected: on its own at \
             startup, before it accepted that client, or because of what it sent (what the \
             server printed says where). A server must keep running, whatever one client does"
        ),
        _ => format!(
            "the server stopped ({status}): a server must keep serving whatever one client does"
        ),
    }
}

/// How an exit status reads in a sentence.
pub fn describe_exit(status: std::process::ExitStatus) -> String {
    match status.code() {
        Some(101) => "exit status 101: it panicked".to_string(),
        Some(code) => format!("exit status {code}"),
        None => "killed by a signal".to_string(),
    }
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

#[cfg(test)]
mod words {
    use super::stopped_problem;

    #[test]
    fn a_server_that_stops_before_any_client_connected_is_not_said_to_stop_for_a_client() {
        let said = stopped_problem("exit status 101: it panicked", 0);
        assert_eq!(
            said,
            "the server stopped on its own at startup (exit status 101: it panicked), before any \
             client connected: after its `listening on` line, a server must keep running and \
             serve until it is stopped"
        );
        assert!(!said.contains("client does"));
        let said = stopped_problem("exit status 101: it panicked", 1);
        assert!(
            said.contains("while its first client was connected: on its own at startup"),
            "{said}"
        );
        let said = stopped_problem("exit status 101: it panicked", 2);
        assert_eq!(
            said,
            "the server stopped (exit status 101: it panicked): a server must keep serving \
             whatever one client does"
        );
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    //! The program under test is contained: whatever it starts ends with the step that stops
    //! it or with the check.

    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    use testkit::contain::live_processes_in_group;

    use super::Lab;

    /// A folder removed when dropped.
    struct Folder(PathBuf);

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A program of the test's own, a shell script in a fresh folder (removed when the
    /// returned [`Folder`] is dropped), which writes its process id (and so its group's) to
    /// `pid` in that folder before `body`.
    fn script(name: &str, body: &str) -> (PathBuf, PathBuf, Folder) {
        let dir = std::env::temp_dir().join(format!("lab-test-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp folder");
        let program = dir.join(name);
        let pid = dir.join("pid");
        let text = format!("#!/bin/sh\necho $$ > '{}'\n{body}\n", pid.display());
        // Written by a child process, not by this one: a test thread that forks while this
        // process holds the file open for writing hands that descriptor to its child, and
        // running the script then fails with "Text file busy" (seen under load).
        let written = std::process::Command::new("sh")
            .args([
                "-c",
                "printf '%s' \"$1\" > \"$2\" && chmod 755 \"$2\"",
                "sh",
            ])
            .arg(&text)
            .arg(&program)
            .status()
            .expect("sh runs");
        assert!(written.success(), "the script is written");
        (program, pid, Folder(dir))
    }

    fn group_of(pid_file: &Path) -> u32 {
        let text = std::fs::read_to_string(pid_file).expect("the script wrote its id");
        text.trim().parse().expect("a process id")
    }

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

    #[test]
    fn a_server_that_starts_children_leaves_none_after_the_check() {
        let (program, pid, _folder) = script(
            "forking-server",
            "sleep 300 &\nsh -c 'sleep 300 & wait' &\necho 'listening on 127.0.0.1:9'\nwait",
        );
        let mut lab = Lab::new(&program, "forking-server".into(), 9);
        lab.start().expect("its ready line");
        let group = group_of(&pid);
        // The inner sh may not have started its sleep yet.
        let deadline = Instant::now() + Duration::from_secs(5);
        while live_processes_in_group(group).len() < 4 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(
            live_processes_in_group(group).len(),
            4,
            "sh, sh and two sleeps"
        );
        lab.finish();
        assert_eq!(survivors(group), Vec::<u32>::new());
    }

    #[test]
    fn a_server_restarted_by_a_step_leaves_no_child_of_its_first_run() {
        let (program, pid, _folder) = script(
            "restarted-server",
            "sleep 300 &\necho 'listening on 127.0.0.1:9'\nwait",
        );
        let mut lab = Lab::new(&program, "restarted-server".into(), 9);
        lab.start().expect("its ready line");
        let first = group_of(&pid);
        lab.use_extra_args(&["--max-clients", "3"])
            .expect("started again");
        assert_eq!(survivors(first), Vec::<u32>::new());
        let second = group_of(&pid);
        assert_ne!(first, second);
        drop(lab);
        assert_eq!(survivors(second), Vec::<u32>::new());
    }

    #[test]
    fn a_client_that_exits_leaving_a_child_is_over_at_once_and_leaves_nothing() {
        let (program, pid, _folder) = script("orphaning-client", "sleep 300 &\necho done");
        let mut lab = Lab::new(&program, "orphaning-client".into(), 9);
        let run = lab
            .run_program(&[], Duration::from_secs(10))
            .expect("it ran to its end");
        assert!(run.status.success());
        assert_eq!(run.lines, ["done"]);
        assert_eq!(survivors(group_of(&pid)), Vec::<u32>::new());
    }

    #[test]
    fn a_quiet_port_taken_before_the_server_binds_it_is_tried_again_on_another() {
        // Fails to bind twice ("address already in use"), then listens on the port it is given.
        let body = "count=$(dirname \"$0\")/count\n\
                    n=$(cat \"$count\" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > \"$count\"\n\
                    if [ $n -lt 3 ]; then echo 'error: could not listen: address already in use' >&2; exit 1; fi\n\
                    echo \"listening on 127.0.0.1:$2\"\nsleep 300";
        let (program, _pid, folder) = script("busy-twice-server", body);
        let mut lab = Lab::new(&program, "busy-twice-server".into(), 9);
        lab.start_on_quiet_port()
            .expect("started on the third quiet port");
        let port = lab.address().expect("an address").port();
        assert_eq!(lab.quiet_port.as_ref().map(|quiet| quiet.port), Some(port));
        let count = std::fs::read_to_string(folder.0.join("count")).expect("the count");
        assert_eq!(count.trim(), "3");
        lab.finish();

        let (program, _pid, _folder) = script(
            "always-busy-server",
            "echo 'error: could not listen: address already in use' >&2; exit 1",
        );
        let mut lab = Lab::new(&program, "always-busy-server".into(), 9);
        let failure = lab.start_on_quiet_port().expect_err("no port works");
        assert!(
            failure.problem.contains("already in use"),
            "{}",
            failure.problem
        );
        assert_eq!(failure.blame, testkit::client::Blame::Program);
    }
}
