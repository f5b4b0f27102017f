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
//! - a header is not all digits (`0000000x`, `-000000000000005`);
//! - the name is not 1 to 100 characters from `A-Z a-z 0-9 . _ -`, or starts with `.` (so
//!   `../escape`, `..`, `.hidden` and `a/b` are refused, and no name can leave the folder);
//!   a name that is not UTF-8 is refused too;
//! - a file of that name exists in the folder already (never overwrite);
//! - the size is over 10 MiB (10485760 bytes);
//! - the connection ends before all the bytes have come (a truncated upload).
//!
//! Refuse a name length over 100 and a size over 10 MiB as soon as you have read that header:
//! reply at once, without waiting for the bytes that would follow. Save atomically: write the
//! bytes to a temporary file in the same folder whose name starts with `.` (say
//! `.NAME.part`), give it its final name only when it is complete, and remove the temporary
//! file whatever happens. So the folder only ever shows complete files, and after a reply it
//! holds the saved files and nothing else.
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
//! `handle_upload` sends the reply line for you.
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
    // TODO (lesson 5, "`read_string`: the header, the limit, then exactly the bytes"): in
    // order, read the name's length with `read_number(client, 8)` and refuse 0 or over
    // MAX_NAME_LENGTH; read the name and check it with `check_name`; read the size with
    // `read_number(client, 16)` and refuse over MAX_SIZE; read exactly that many bytes; then
    // save them with `save_new`. Each refusal is an error you return (`bail!`).
    todo!("receive the upload and save it")
}

/// Reads a header of exactly `digits` ASCII digits and returns its value.
fn read_number(client: &mut impl Read, digits: usize) -> Result<u64> {
    // TODO (lesson 5, "`recv_exact`: a read may return only part"): read exactly `digits`
    // bytes (one `read` may return fewer); refuse anything but the digits 0-9; then parse.
    todo!("read a header of `digits` digits")
}

/// Checks a name sent by a client: UTF-8, 1 to 100 characters of `A-Z a-z 0-9 . _ -`, not
/// starting with `.`. Returns it as text.
fn check_name(name: &[u8]) -> Result<&str> {
    // TODO (lesson 6, "5. Check the picture, then save it"): turn the bytes into text
    // without panicking, then refuse every name the rules above do not allow.
    todo!("check the name")
}

/// Saves `bytes` as `out_dir/name`, never replacing a file, and never letting a half-written
/// file appear under that name.
fn save_new(out_dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    // TODO (lesson 6, "5. Check the picture, then save it"): write the bytes to a temporary
    // file `.NAME.part` in `out_dir`, give it its final name only then (`fs::hard_link` fails
    // if that name exists: `fs::rename` would replace it), and remove the temporary name.
    todo!("save the bytes under their final name")
}
