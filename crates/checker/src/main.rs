//! `exercise`: the command behind `cargo exercise` (see `.cargo/config.toml`): list the
//! exercises, check one, show a hint, reset a file; `verify` for CI; `grade` and
//! `remove-solutions` for instructors.

use std::process::ExitCode;

use clap::Parser;

/// Your exercises: list them, check one, get a hint (`cargo exercise` alone lists them).
#[derive(Parser)]
#[command(name = "cargo exercise", version)]
struct Options {
    #[command(subcommand)]
    action: Option<checker::cli::Action>,
}

fn main() -> ExitCode {
    checker::cli::run(Options::parse().action).unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        checker::cli::exit_code_of(&error)
    })
}
