//! Exercise `file-server` (lesson 6), the reference solution. Try it yourself first: your file
//! is `crates/exercises/file-server/file-server.rs`.
//!
//! Each client uploads one file: an 8-digit name length, the name, a 16-digit size, the bytes.
//! The server checks each part as soon as it has it, writes the bytes as they come to a hidden
//! temporary file with a random name, and gives it its name under `--out-dir` once it is
//! complete: it never replaces a file nor shows a half-written one. It replies
//! `saved <name> <size>` or `error: <why>`.

use std::collections::hash_map::RandomState;
use std::fs::{self, File};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, bail};
use netlesson::Traced;

/// The port file-server listens on unless `--port` says otherwise.
const PORT: u16 = 50002;

/// The longest name accepted, in bytes (the names allowed are ASCII: one byte per character).
const MAX_NAME_LENGTH: u64 = 100;

/// The biggest file accepted: 10 MiB.
const MAX_SIZE: u64 = 10 * 1024 * 1024;

fn main() -> ExitCode {
    exercises::serve_uploads(PORT, handle_upload)
}

/// Receives one upload from `client`, saves it in `out_dir`, and replies `saved <name> <size>`
/// or `error: <why>`. The connection closes when this returns.
fn handle_upload(
    client: &mut Traced<TcpStream>,
    _address: SocketAddr,
    out_dir: &Path,
) -> Result<()> {
    match receive_and_save(client, out_dir) {
        Ok((name, size)) => client
            .write_all(format!("saved {name} {size}\n").as_bytes())
            .context("could not send the reply"),
        Err(problem) => {
            // Tell the client why; then `serve` prints the problem as this client's line. (A
            // client that has gone cannot read it: that is not a second problem.)
            let _ = client.write_all(format!("error: {problem:#}\n").as_bytes());
            Err(problem)
        }
    }
}

/// Reads one upload (name length, name, size, bytes), checks each part as soon as it has it,
/// and saves the file in `out_dir` as its bytes come. Returns the name and the size, for the
/// reply.
fn receive_and_save(client: &mut impl Read, out_dir: &Path) -> Result<(String, u64)> {
    let name_length = read_number(client, 8).context("could not read the name's length")?;
    // Checked before reading the name: a client announcing 99999999 bytes gets its answer at
    // once, and we never make room for a name we would refuse anyway.
    if name_length == 0 || name_length > MAX_NAME_LENGTH {
        bail!("a name must have 1 to {MAX_NAME_LENGTH} bytes, not {name_length}");
    }
    let name = read_exactly(client, name_length).context("could not read the name")?;
    let name = check_name(&name)?.to_string();

    let size = read_number(client, 16).context("could not read the size")?;
    if size > MAX_SIZE {
        bail!("{size} bytes is over the limit of {MAX_SIZE} bytes (10 MiB)");
    }
    // Also checked (for good) by `save_new`; asking now spares the client sending 10 MiB
    // for nothing.
    if out_dir.join(&name).exists() {
        bail!("{name} exists already (choose another name: files are never replaced)");
    }
    save_new(out_dir, &name, client, size)?;
    Ok((name, size))
}

/// Reads exactly `count` bytes. `read_exact` calls `read` until it has them all, because one
/// `read` returns whatever has arrived so far, which may be fewer.
fn read_exactly(client: &mut impl Read, count: u64) -> Result<Vec<u8>> {
    // The callers checked `count` against a limit: this never makes room for a huge number.
    let mut bytes = vec![0u8; usize::try_from(count)?];
    client
        .read_exact(&mut bytes)
        .map_err(|error| match error.kind() {
            ErrorKind::UnexpectedEof => {
                anyhow::anyhow!("the connection closed before all {count} bytes had come")
            }
            _ => error.into(),
        })?;
    Ok(bytes)
}

/// Reads a header of exactly `digits` ASCII digits and returns its value.
fn read_number(client: &mut impl Read, digits: usize) -> Result<u64> {
    let header = read_exactly(client, digits as u64)?;
    // `parse` alone would also take a leading `+`: the protocol says digits, nothing else.
    if !header.iter().all(u8::is_ascii_digit) {
        bail!(
            "the header must be {digits} digits, not {}",
            String::from_utf8_lossy(&header).escape_debug()
        );
    }
    // At most 16 digits: always fits in a u64.
    let text = std::str::from_utf8(&header)?;
    Ok(text.parse()?)
}

/// Checks a name sent by a client: UTF-8, 1 to 100 characters of `A-Z a-z 0-9 . _ -`, not
/// starting with `.`. Returns it as text.
fn check_name(name: &[u8]) -> Result<&str> {
    let Ok(name) = std::str::from_utf8(name) else {
        bail!("the name is not UTF-8 text");
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    // Without `/` no name can reach another folder; without a leading `.` none can be `..`
    // (the folder above), `.` or a hidden file, such as our own temporary files.
    if name.is_empty() || name.len() > MAX_NAME_LENGTH as usize || !name.chars().all(allowed) {
        bail!("{name:?} is not a safe name (1 to 100 characters of A-Z a-z 0-9 . _ -)");
    }
    if name.starts_with('.') {
        bail!("{name:?} starts with a dot (no hidden files, no `..`)");
    }
    Ok(name)
}

/// Receives the file's `size` bytes from `client` into `out_dir/name`, never replacing a file,
/// and never letting a half-written file appear under that name: the bytes go to a temporary
/// file as they come, which gets its final name once they are all there.
fn save_new(out_dir: &Path, name: &str, client: &mut impl Read, size: u64) -> Result<()> {
    let (temporary, file) = create_temporary(out_dir)?;
    let result = receive_then_link(file, client, size, &temporary, &out_dir.join(name));
    // After a link the file lives on under its final name; after a failure this removes the
    // partial bytes. Either way the temporary name must go.
    let _ = fs::remove_file(&temporary);
    result.with_context(|| format!("could not save {name}"))
}

/// Creates a new temporary file in `out_dir` under a name nobody can guess, and returns its
/// path and the open file. `create_new` never opens a file that exists, nor follows a symbolic
/// link planted under that name: such a name is taken, and another random one is tried.
fn create_temporary(out_dir: &Path) -> Result<(PathBuf, File)> {
    for _ in 0..TEMPORARY_TRIES {
        let path = out_dir.join(temporary_name());
        match File::create_new(&path) {
            Ok(file) => return Ok((path, file)),
            Err(error) if error.kind() == ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error).context("could not create a temporary file"),
        }
    }
    bail!("no free temporary name in {TEMPORARY_TRIES} tries")
}

/// Copies exactly `size` bytes from `client` into `file`, flushes them to the disk, and links
/// the file under its final name, `target`.
fn receive_then_link(
    mut file: File,
    client: &mut impl Read,
    size: u64,
    temporary: &Path,
    target: &Path,
) -> Result<()> {
    // `take` stops after `size` bytes; `io::copy` reads and writes a piece (8 KiB) at a time,
    // so the server holds no more than that of a file in memory, however big the file.
    let copied = io::copy(&mut client.take(size), &mut file)?;
    if copied < size {
        bail!("the connection closed before all {size} bytes had come ({copied} came)");
    }
    // The bytes reach the disk before the file gets a name that says "complete".
    file.sync_all()?;
    drop(file);
    // hard_link fails when `target` exists; rename would silently replace it.
    fs::hard_link(temporary, target).map_err(|error| match error.kind() {
        ErrorKind::AlreadyExists => anyhow::anyhow!("the name exists already"),
        _ => error.into(),
    })
}

/// How many random temporary names to try before giving up (each is taken only if a file of
/// that name exists: almost never).
const TEMPORARY_TRIES: u32 = 100;

/// A random hidden name for a temporary file: `.upload-` and 16 hexadecimal digits, then
/// `.part`. Hidden (it starts with `.`), so that nobody takes it for a saved file, and random,
/// so that nobody can plant a file (or a symbolic link) under it in advance.
fn temporary_name() -> String {
    // std's `RandomState` seeds each hasher from the operating system's randomness; hashing
    // a count makes each name new. (Production code uses the `tempfile` crate.)
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNT.fetch_add(1, Ordering::Relaxed));
    format!(".upload-{:016x}.part", hasher.finish())
}
