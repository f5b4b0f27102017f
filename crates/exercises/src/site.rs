//! The plumbing of `http-file-server` (lesson 11): its options (`--root DIR`, the folder it
//! serves), the listening socket, and a thread for each client, which calls your function with
//! the connection and the folder's real path, then closes the connection gently.

use std::io::Read;
use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use netlesson::server::{report_client, set_timeouts};
use netlesson::show::explain_io;
use netlesson::{Traced, log};

/// The lesson's site, from the course's root folder: what `--root` serves unless told otherwise.
const SHIPPED_SITE: &str = "crates/11-http/site";

/// How many connections may wait to be accepted: a browser opens several at once.
const BACKLOG: i32 = 128;

/// The options of http-file-server.
#[derive(Parser)]
#[command(about = "The http-file-server exercise of the socket course (see the top of its file)")]
struct SiteOptions {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long)]
    port: u16,

    /// Address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (every network interface),
    /// ::1 (IPv6), or a host name
    #[arg(long, default_value = "127.0.0.1")]
    host: String,

    /// Folder whose files are served. Default: the lesson's site, crates/11-http/site, looked
    /// for from the current folder upwards
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,

    /// Seconds to wait for a client that sends nothing (or reads nothing) before closing its
    /// connection
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = netlesson::parse_seconds)]
    idle_timeout: Duration,

    /// Print every socket call and its result to stderr
    #[arg(long)]
    trace: bool,
}

/// Serves the folder `--root` (default: the lesson's site) on `--port` (default
/// `default_port`): each client on a thread of its own, with `--idle-timeout` for each read
/// and write, calling `handle` with its connection and the folder's real path (no symbolic
/// link, no `..`: every path of a file inside it starts with it). Returns the exit code for
/// `main`.
pub fn serve_site(
    default_port: u16,
    handle: fn(&Traced<TcpStream>, &Path) -> Result<()>,
) -> ExitCode {
    let options: SiteOptions = match crate::parse_options(default_port) {
        Ok(options) => options,
        Err(error) => error.exit(),
    };
    netlesson::trace::enable(options.trace);
    netlesson::finish(listen_and_serve(&options, handle), None)
}

fn listen_and_serve(
    options: &SiteOptions,
    handle: fn(&Traced<TcpStream>, &Path) -> Result<()>,
) -> Result<()> {
    let root = real_root(options.root.as_deref())?;
    let address = netlesson::resolve(&options.host, options.port)?;
    let listener = netlesson::listen(address, BACKLOG)?;
    netlesson::announce(&listener)?;
    log!("serving the files in {}", root.display());
    let root = Arc::new(root);
    loop {
        let (client, peer) = netlesson::server::accept(&listener);
        log!("accepted connection from {peer}");
        let (root, idle) = (Arc::clone(&root), options.idle_timeout);
        let started = thread::Builder::new().spawn(move || {
            let result = serve_one(client, &root, idle, handle);
            report_client(peer, result, idle);
        });
        if let Err(error) = started {
            log!("client {peer}: no thread for it: {}", explain_io(&error));
        }
    }
}

/// Gives the connection its timeouts and hands it to `handle`.
fn serve_one(
    client: TcpStream,
    root: &Path,
    idle: Duration,
    handle: fn(&Traced<TcpStream>, &Path) -> Result<()>,
) -> Result<()> {
    set_timeouts(&client, idle).context("could not set the timeouts")?;
    // Each answer leaves at once (lesson 5: Nagle's algorithm would hold back a small one).
    client
        .set_nodelay(true)
        .context("could not set TCP_NODELAY")?;
    let connection = Traced::new(client);
    let result = handle(&connection, root);
    close_gently(&connection);
    result
}

/// Closes a connection without destroying the last answer (lesson 11, "Closing without losing
/// the last answer"): a half-close, then what the client still sends is read and dropped, for
/// at most half a second. Closing a socket with unread bytes in it would reset the
/// connection, and a reset can wipe out the answer before the client has read it.
fn close_gently(connection: &Traced<TcpStream>) {
    let _ = connection.shutdown(Shutdown::Write);
    let until = Instant::now() + Duration::from_millis(500);
    let mut rest = connection;
    let mut dropped = [0u8; 8192];
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        let timeout = left.max(Duration::from_millis(1));
        if connection
            .get_ref()
            .set_read_timeout(Some(timeout))
            .is_err()
        {
            return;
        }
        if !matches!(rest.read(&mut dropped), Ok(1..)) {
            return;
        }
    }
}

/// The real path of `--root`, or of the lesson's site found from the current folder upwards.
fn real_root(root: Option<&Path>) -> Result<PathBuf> {
    let root = match root {
        Some(root) => root.to_path_buf(),
        None => find_shipped_site()?,
    };
    let real = root
        .canonicalize()
        .with_context(|| format!("cannot serve {}: no such folder (--root)", root.display()))?;
    if !real.is_dir() {
        bail!(
            "cannot serve {}: it is not a folder (--root)",
            root.display()
        );
    }
    Ok(real)
}

fn find_shipped_site() -> Result<PathBuf> {
    let here = std::env::current_dir().context("could not find the current folder")?;
    here.ancestors()
        .map(|folder| folder.join(SHIPPED_SITE))
        .find(|site| site.is_dir())
        .with_context(|| {
            format!(
                "no --root given, and the lesson's site, {SHIPPED_SITE}, is not under this \
                 folder or above it: run from the course's folder, or give --root DIR"
            )
        })
}
