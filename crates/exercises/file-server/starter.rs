//! Exercise `file-server` (lesson 6): receive files from clients and save them, safely.
//!
//! The task: each client uploads one file, which your server saves in the folder `--out-dir`
//! (default `uploads`, created if missing). The client sends, in this order:
//!
//! 1. the length of the file's name: 8 ASCII digits, zero-padded (`00000009`);
//! 2. the name: that many bytes;
//! 3. the size of the file: 16 ASCII digits, zero-padded (`0000000000000013`);
//! 4. the file's bytes: exactly that many, any byte values.
//!
//! The server replies with one line, then closes the connection: `saved <name> <size>\n` once
//! the file is saved, or `error: <why>\n` (any reason in words) when it refuses the upload.
//! Refuse, and save nothing, when:
//!
//! - a header is not all digits (`0000000x`, `-000000000000005`, `+000000000000005`);
//! - the name is not 1 to 100 characters from `A-Z a-z 0-9 . _ -`, or starts with `.` (so
//!   `../escape`, `..`, `.hidden` and `a/b` are refused, and no name can leave the folder);
//!   a name that is not UTF-8 is refused too;
//! - a file of that name exists in the folder already (never overwrite);
//! - the size is over 10 MiB (10485760 bytes);
//! - the connection ends before all the bytes have come (a truncated upload).
//!
//! Refuse a name length over 100 and a size over 10 MiB as soon as you have read that header:
//! reply at once, without waiting for the bytes that would follow. A client that sends nothing
//! for `--idle-timeout` seconds (default 10), before or during its upload, is refused the same
//! way: `error: <why>\n`, then the close, and nothing saved.
//!
//! Save atomically. As the bytes come, write them to a temporary file in the same folder, made
//! with `File::create_new` under the name `temporary_name()` picks at random (`.upload-` and 16
//! hexadecimal digits, `.part`: hidden, and nobody can guess it, so nothing planted in the
//! folder, such as a symbolic link to a file elsewhere, is ever opened or written through).
//! Give it its final name only when it is complete, with `fs::hard_link` (which fails if the
//! name exists), and remove the temporary file whatever happens. So the folder only ever shows
//! complete files, and after a reply it holds the saved files and nothing else.
//!
//! An example exchange:
//!
//! ```text
//! client sends:   00000009hello.txt0000000000000013Hello, file!\n
//! server replies: saved hello.txt 13\n     (and closes; uploads/hello.txt holds the 13 bytes)
//! ```
//!
//! Everything around your part is done: `exercises::serve_uploads` reads the options
//! (`--port`, default 50002; `--host`; `--idle-timeout`; `--out-dir`), listens, prints
//! `listening on <ip>:<port>` and calls `handle_upload` for each client, one after another;
//! `handle_upload` sends the reply line for you, and `temporary_name` picks the random names.
//!
//! - Run it:    `cargo run -p exercises --bin file-server`, then in a second terminal
//!   `printf '00000009hello.txt0000000000000013Hello, file!\n' | nc -N 127.0.0.1 50002`
//!   and look at `uploads/hello.txt`.
//! - Check it:  `cargo exercise check file-server`
//! - Stuck?     `cargo exercise hint file-server`; the lesson: `lessons/06-image-transfer.md`,
//!   section "Exercise: file-server".

// Until you write the `todo!()`s below, some imports and variables are unused: this line keeps
// the compiler from warning about them. You may delete it once your server passes.
#![allow(unused_imports, unused_variables, dead_code)]

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
    // TODO (lessons/05-framing-helpers.md, "`read_string`: the header, the limit, then exactly
    // the bytes"): in order, read the name's length with `read_number(client, 8)` and refuse 0
    // or over MAX_NAME_LENGTH; read the name and check it with `check_name`; read the size with
    // `read_number(client, 16)` and refuse over MAX_SIZE, and a name that exists in `out_dir`;
    // then `save_new`, which receives the bytes. Each refusal is an error you return (`bail!`).
    todo!("receive the upload and save it")
}

/// Reads a header of exactly `digits` ASCII digits and returns its value.
fn read_number(client: &mut impl Read, digits: usize) -> Result<u64> {
    // TODO (lessons/05-framing-helpers.md, "`recv_exact`: a read may return only part"): read
    // exactly `digits` bytes (one `read` may return fewer); refuse anything but the digits
    // 0-9; then parse.
    todo!("read a header of `digits` digits")
}

/// Checks a name sent by a client: UTF-8, 1 to 100 characters of `A-Z a-z 0-9 . _ -`, not
/// starting with `.`. Returns it as text.
fn check_name(name: &[u8]) -> Result<&str> {
    // TODO (lessons/06-image-transfer-saving.md, "Saving a file safely"): turn the bytes into
    // text without panicking, then refuse every name the rules above do not allow.
    todo!("check the name")
}

/// Receives the file's `size` bytes from `client` into `out_dir/name`, never replacing a file,
/// and never letting a half-written file appear under that name.
fn save_new(out_dir: &Path, name: &str, client: &mut impl Read, size: u64) -> Result<()> {
    // TODO (lessons/06-image-transfer-saving.md, "Saving a file safely"): create the temporary
    // file with `File::create_new(out_dir.join(temporary_name()))`; copy exactly `size` bytes
    // into it as they come (`io::copy` from `client.take(size)`, then check how many came);
    // `sync_all`; give it its final name with `fs::hard_link` (it fails if that name exists:
    // `fs::rename` would replace it); then remove the temporary name, whatever happened.
    todo!("receive the bytes into a temporary file, then give it its name")
}

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
