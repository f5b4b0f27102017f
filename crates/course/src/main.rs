//! `course`: the command behind `cargo demo N` and `cargo lessons` (see `.cargo/config.toml`).

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

/// The socket course's runner: run a lesson's demo, or check the lessons against the code.
/// (Your exercises: `cargo exercise`.)
#[derive(Parser)]
#[command(version)]
struct Options {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run lesson N's server and client together and show both sides (no N: list the demos)
    Demo {
        /// The lesson number
        number: Option<u8>,
    },
    /// Check that the code and outputs shown in lessons/*.md match the code and a fresh run
    Lessons {
        /// Regenerate the snippets and outputs that are out of date instead of failing
        #[arg(long)]
        write: bool,
    },
}

fn main() -> ExitCode {
    let result = match Options::parse().command {
        Command::Demo { number: None } => {
            print!("{}", course::demos::list());
            Ok(())
        }
        Command::Demo {
            number: Some(number),
        } => demo(number),
        Command::Lessons { write } => lessons(write),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn demo(number: u8) -> Result<()> {
    let demo = course::demos::find(number).with_context(|| {
        format!(
            "there is no demo {number}\n\n{}",
            course::demos::list().trim_end()
        )
    })?;
    course::demo::run(demo, true)?;
    Ok(())
}

fn lessons(write: bool) -> Result<()> {
    let root = testkit::bins::workspace_root()?;
    let problems = if write {
        let (changed, problems) = course::lessons::write(&root)?;
        for file in &changed {
            println!("updated {}", file.display());
        }
        if changed.is_empty() {
            println!("every snippet and output was already up to date");
        }
        problems
    } else {
        let problems = course::lessons::check(&root, course::lessons::Reruns::Every)?;
        if problems.is_empty() {
            println!("every lesson is in sync with the code");
        }
        problems
    };
    for problem in &problems {
        eprintln!("{problem}");
    }
    anyhow::ensure!(
        problems.is_empty(),
        "{} problem(s) in the lessons",
        problems.len()
    );
    Ok(())
}
