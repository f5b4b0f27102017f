//! Exercise `file-server` (lesson 6), the reference solution. Try it yourself first: your file
//! is `crates/exercises/file-server/file-server.rs`.
//!
//! Each client uploads one file: an 8-digit name length, the name, a 16-digit size, the bytes.
//! The server checks each part as soon as it has it, saves the file under `--out-dir` without
//! ever replacing one or showing a half-written one, and replies `saved <name> <size>` or
//! `error: <why>`.

use std::fs::{self, File};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::ExitCode;

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
/// and saves the file in `out_dir`. Returns the name and the size, for the reply.
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
    let bytes = read_exactly(client, size).context("could not read the file's bytes")?;
    save_new(out_dir, &name, &bytes)?;
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

/// Saves `bytes` as `out_dir/name`, never replacing a file, and never letting a half-written
/// file appear under that name.
fn save_new(out_dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let temporary = out_dir.join(format!(".{name}.part"));
    let result = write_then_link(&temporary, &out_dir.join(name), bytes);
    // After a link the file lives on under its final name; after a failure this removes the
    // partial bytes. Either way the temporary name must go.
    let _ = fs::remove_file(&temporary);
    result.with_context(|| format!("could not save {name}"))
}

fn write_then_link(temporary: &Path, target: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = File::create(temporary).context("could not create a temporary file")?;
    file.write_all(bytes)?;
    // The bytes reach the disk before the file gets a name that says "complete".
    file.sync_all()?;
    drop(file);
    // hard_link fails when `target` exists; rename would silently replace it.
    fs::hard_link(temporary, target).map_err(|error| match error.kind() {
        ErrorKind::AlreadyExists => anyhow::anyhow!("the name exists already"),
        _ => error.into(),
    })
}
