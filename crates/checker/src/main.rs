//! `exercise`: the command behind `cargo exercise` (see `.cargo/config.toml`): list the
//! exercises, check one, show a hint, reset a file, and `verify` for CI.

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
        ExitCode::FAILURE
    })
}
