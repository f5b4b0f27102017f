//! `cargo demo N`: run a lesson's programs together and show what each side printed.
//!
//! A demo is a short script ([`Demo::script`]) written against a [`Session`]: start a server,
//! run a client, show the server's side, stop. The session prints a transcript as it goes,
//! each line labelled with the side that printed it and each program preceded by the command
//! that runs it, so a student can repeat the demo by hand in two terminals:
//!
//! ```text
//! server $ cargo run -q --bin simple-server -- --port 0 --once
//! server | listening on 127.0.0.1:40221
//! client $ cargo run -q --bin simple-client -- --port 40221
//! client | Connected to server at 127.0.0.1:40221
//! ```
//!
//! Servers run on `--port 0`, so a demo never collides with a server a student left running.
//! The transcript is deterministic (one side at a time, in a fixed order), so the lessons can
//! show it and `cargo lessons` can check it against a fresh run.
//!
//! This module is the machinery; the demos themselves, and the tables that list them, are in
//! [`crate::demos`], which uses this module (never the other way round).

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context, Result, bail};

use testkit::bins;
use testkit::procs::{Running, Server};

/// One lesson's demo.
pub struct Demo {
    /// The lesson number: `cargo demo 1`.
    pub number: u8,
    /// What the lesson is about, e.g. `simple server`.
    pub title: &'static str,
    /// The lesson's file, from the repository root.
    pub lesson: &'static str,
    /// The packages whose binaries the demo runs (built before it starts).
    pub packages: &'static [&'static str],
    /// How to run the lesson by hand, one line per terminal.
    pub by_hand: &'static [&'static str],
    /// The script.
    pub script: fn(&mut Session) -> Result<()>,
}

/// A demo in progress: starts programs and records the transcript.
pub struct Session {
    live: bool,
    transcript: String,
}

impl Session {
    fn new(live: bool) -> Session {
        Session {
            live,
            transcript: String::new(),
        }
    }

    /// Adds a line to the transcript (and prints it at once in a live demo).
    pub fn say(&mut self, line: &str) {
        let _ = writeln!(self.transcript, "{line}");
        if self.live {
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{line}");
            let _ = stdout.flush();
        }
    }

    fn show(&mut self, label: &str, line: &str) {
        self.say(format!("{label} | {line}").trim_end());
    }

    fn show_command(&mut self, label: &str, bin: &str, args: &[&str]) {
        self.say(&format!("{label} $ {}", command_line(bin, args)));
    }

    /// Starts server `bin` with `args`, shows its command and its ready line.
    pub fn start_server(&mut self, label: &str, bin: &str, args: &[&str]) -> Result<Server> {
        self.show_command(label, bin, args);
        let server = Server::start(&bins::path(bin)?, args);
        let server = server.with_context(|| format!("{label} ({bin}) did not start"))?;
        for line in server.seen().to_vec() {
            self.show(label, &line);
        }
        Ok(server)
    }

    /// Starts `bin` without waiting for anything; read its lines with [`Session::show_until`].
    pub fn start(&mut self, label: &str, bin: &str, args: &[&str]) -> Result<Running> {
        self.show_command(label, bin, args);
        Running::start(&bins::path(bin)?, args)
    }

    /// Runs `bin` to the end with `stdin` as its input and shows its output. Fails if it does
    /// not exit with status 0.
    pub fn run(&mut self, label: &str, bin: &str, args: &[&str], stdin: &str) -> Result<()> {
        let status = self.run_to_end(label, bin, args, stdin)?;
        if !status.success() {
            bail!("{label} ({bin}) failed: {status}");
        }
        Ok(())
    }

    /// Runs `bin` to the end, shows its output and returns its exit code: for demos that show
    /// a program failing on purpose.
    pub fn run_to_end(
        &mut self,
        label: &str,
        bin: &str,
        args: &[&str],
        stdin: &str,
    ) -> Result<std::process::ExitStatus> {
        let mut program = self.start(label, bin, args)?;
        program.write_stdin(stdin)?;
        program.close_stdin();
        let finished = program.finish();
        let finished = finished.inspect_err(|_| self.show_seen(label, &program))?;
        self.show_all(label, &finished.rest);
        Ok(finished.status)
    }

    /// Shows `program`'s lines up to and including the first one for which `wanted` is true.
    pub fn show_until(
        &mut self,
        label: &str,
        program: &mut Running,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<()> {
        let lines = program.wait_for(wanted);
        let lines = lines.inspect_err(|_| self.show_seen(label, program))?;
        self.show_all(label, &lines);
        Ok(())
    }

    /// Waits for `program` to exit by itself (a server started with `--once`), shows the rest
    /// of its output and how it exited. Fails if it did not exit with status 0.
    pub fn finish(&mut self, label: &str, program: &mut Running) -> Result<()> {
        let finished = program.finish()?;
        self.show_all(label, &finished.rest);
        if !finished.status.success() {
            bail!("{label} ({}) failed: {}", program.name(), finished.status);
        }
        self.say(&format!("{label} exited with status 0"));
        Ok(())
    }

    /// Stops `program` (as Ctrl-C would) and shows the rest of its output.
    pub fn stop(&mut self, label: &str, program: &mut Running) -> Result<()> {
        let finished = program.kill()?;
        self.show_all(label, &finished.rest);
        self.say(&format!("{label} stopped"));
        Ok(())
    }

    fn show_all(&mut self, label: &str, lines: &[String]) {
        for line in lines {
            self.show(label, line);
        }
    }

    fn show_seen(&mut self, label: &str, program: &Running) {
        self.say(&format!("{label}'s output so far:"));
        self.show_all(label, program.seen());
    }
}

/// The command a student types to run `bin` with `args` from the repository root.
pub fn command_line(bin: &str, args: &[&str]) -> String {
    let mut line = format!("cargo run -q --bin {bin}");
    if !args.is_empty() {
        line.push_str(" --");
        for arg in args {
            line.push(' ');
            line.push_str(&shell_quote(arg));
        }
    }
    line
}

fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// Runs `demo`: builds its binaries, runs its script, and returns the transcript.
/// With `live`, the transcript is also printed as it happens.
pub fn run(demo: &Demo, live: bool) -> Result<String> {
    bins::build(demo.packages)?;
    let mut session = Session::new(live);
    session.say(&format!(
        "demo {}: {} ({})",
        demo.number, demo.title, demo.lesson
    ));
    session.say("");
    if let Err(error) = (demo.script)(&mut session) {
        // A live demo has shown everything already; otherwise the transcript goes with the error.
        let shown = match live {
            true => String::new(),
            false => format!("\n--- transcript so far ---\n{}", session.transcript),
        };
        return Err(error.context(format!("demo {} failed{shown}", demo.number)));
    }
    session.say("");
    let terminals = match demo.by_hand.len() {
        2 => "two".to_string(),
        3 => "three".to_string(),
        count => count.to_string(),
    };
    session.say(&format!(
        "To run it yourself, in {terminals} terminals at the root of the course:"
    ));
    for (terminal, command) in demo.by_hand.iter().enumerate() {
        session.say(&format!("  terminal {}: {command}", terminal + 1));
    }
    Ok(session.transcript)
}

/// Runs server `server` (with `--port 0 --once` and `server_args`) and then client `client`
/// (with `--port <its port>` and `client_args`), and returns the transcript: a demo for one
/// variation, used by the lessons' `<!-- output: pair ... -->` blocks.
pub fn pair(
    server: &str,
    server_args: &[&str],
    client: &str,
    client_args: &[&str],
) -> Result<String> {
    let mut session = Session::new(false);
    let mut args = vec!["--port", "0", "--once"];
    args.extend_from_slice(server_args);
    let mut running = session.start_server("server", server, &args)?;
    let port = running.port_arg();
    let mut args = vec!["--port", port.as_str()];
    args.extend_from_slice(client_args);
    session.run("client", client, &args, "")?;
    session.finish("server", &mut running)?;
    Ok(session.transcript)
}

/// A named script whose transcript a lesson shows with `<!-- output: scenario NAME -->`: for
/// runs that `pair` cannot express (three programs, a client that misbehaves, ...).
pub struct Scenario {
    /// The name used in the marker, e.g. `echo-through-wiretap`.
    pub name: &'static str,
    /// The packages whose binaries the scenario runs (built before it starts).
    pub packages: &'static [&'static str],
    /// The script.
    pub script: fn(&mut Session) -> Result<()>,
}

/// Runs `scenario` and returns its transcript (look one up by name with
/// [`crate::demos::scenario`]).
pub fn run_scenario(scenario: &Scenario) -> Result<String> {
    bins::build(scenario.packages)?;
    let mut session = Session::new(false);
    if let Err(error) = (scenario.script)(&mut session) {
        let (name, transcript) = (scenario.name, session.transcript);
        return Err(error.context(format!(
            "scenario {name} failed\n--- transcript so far ---\n{transcript}"
        )));
    }
    Ok(session.transcript)
}
