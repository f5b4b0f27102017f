//! The plumbing of `file-server` (lesson 6): the options of every exercise server, plus
//! `--out-dir DIR`, the folder the uploads go to, made ready before the server listens.

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::{ServerOptions, Traced};

/// The options of file-server: those of every exercise server, and where to save.
#[derive(Parser)]
#[command(about = "The file-server exercise of the socket course (see the top of its file)")]
struct UploadOptions {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long)]
    port: u16,

    #[command(flatten)]
    server: ServerOptions,

    /// Folder to save the uploaded files in (created if missing); nothing is written outside it
    #[arg(long, value_name = "DIR", default_value = "uploads")]
    out_dir: PathBuf,
}

/// [`crate::serve`] for a server that saves what clients send: checks (or creates) the
/// `--out-dir` folder before it listens, then calls `handle` with each client and that folder.
pub fn serve_uploads(
    default_port: u16,
    mut handle: impl FnMut(&mut Traced<TcpStream>, SocketAddr, &Path) -> Result<()>,
) -> ExitCode {
    let options: UploadOptions = match crate::parse_options(default_port) {
        Ok(options) => options,
        Err(error) => error.exit(),
    };
    netlesson::trace::enable(options.server.trace);
    let out_dir = options.out_dir.as_path();
    let result = prepare_folder(out_dir).and_then(|()| {
        crate::listen_and_serve(options.port, &options.server, |client, address| {
            handle(client, address, out_dir)
        })
    });
    netlesson::finish(result, None)
}

/// Makes sure `dir` is a folder, creating it if needed: a server that cannot save anything
/// says so before it announces itself, not at its first client.
fn prepare_folder(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!(
            "--out-dir {} is a file, not a folder (choose another with --out-dir)",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("could not create the folder {} (--out-dir)", dir.display()))
}
