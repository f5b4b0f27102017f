//! The check of `file-server` (lesson 6): each client uploads one file (an 8-digit name
//! length, the name, a 16-digit size, the bytes); the server saves it under `--out-dir` and
//! replies `saved <name> <size>\n`, or refuses with `error: <why>\n`. Besides the replies, the
//! steps look at the folder itself: the file's bytes, exactly; halfway through an upload, a
//! hidden temporary file and nothing else; a symbolic link planted under the temporary file's
//! name never followed; nothing left half-written, replaced, or written outside `--out-dir`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use netlesson::show::show_bytes;

use crate::Check;
use crate::{Rule, Step};
use contract::lab::{Conn, Failure, Lab, REPLY_TIMEOUT, StepResult, printf_escape};
use contract::steps as common;

/// The exercise: its folder is `crates/exercises/file-server/`.
pub const CHECK: Check = Check {
    name: "file-server",
    info: include_str!("../../exercises/file-server/exercise.toml"),
    setup,
    steps: STEPS,
    rules: RULES,
};

/// The rules of the starter's header, each with the step and the known-bad programs that
/// prove the check enforces it.
pub const RULES: &[Rule] = &[
    Rule {
        rule: "the length of the file's name: 8 ASCII digits, zero-padded",
        step: "bytewise",
        known_bad: &["header-in-one-read"],
    },
    Rule {
        rule: "the file's bytes: exactly that many, any byte values",
        step: "saves-a-big-binary-file",
        known_bad: &["reads-once"],
    },
    Rule {
        rule: "a header is not all digits (`0000000x`, `-000000000000005`, `+000000000000005`)",
        step: "headers-not-digits",
        known_bad: &["parses-the-size-with-parse"],
    },
    Rule {
        rule: "the name is not 1 to 100 characters from `A-Z a-z 0-9 . _ -`",
        step: "unsafe-names",
        known_bad: &["trusts-the-name"],
    },
    Rule {
        rule: "or starts with `.`",
        step: "unsafe-names",
        known_bad: &["allows-a-leading-dot"],
    },
    Rule {
        rule: "a name that is not UTF-8 is refused too",
        step: "name-not-utf8",
        known_bad: &["panics-on-non-utf8-name"],
    },
    Rule {
        rule: "a file of that name exists in the folder already (never overwrite)",
        step: "never-overwrites",
        known_bad: &["overwrites"],
    },
    Rule {
        rule: "the size is over 10 MiB (10485760 bytes)",
        step: "limits",
        known_bad: &["no-size-limit", "size-limit-off-by-one"],
    },
    Rule {
        rule: "Refuse a name length over 100 and a size over 10 MiB as soon as you have read that \
               header",
        step: "limits",
        known_bad: &["checks-the-name-length-late"],
    },
    Rule {
        rule: "the connection ends before all the bytes have come (a truncated upload)",
        step: "truncated",
        known_bad: &["leaves-partial-file"],
    },
    Rule {
        rule: "remove the temporary file whatever happens",
        step: "truncated",
        known_bad: &["leaves-the-temporary-file"],
    },
    Rule {
        rule: "As the bytes come, write them to a temporary file in the same folder",
        step: "named-when-complete",
        known_bad: &["writes-once-under-the-final-name"],
    },
    Rule {
        rule: "Give it its final name only when it is complete",
        step: "named-when-complete",
        known_bad: &["writes-under-final-name"],
    },
    Rule {
        rule: "`.upload-` and 16 hexadecimal digits, `.part`: hidden",
        step: "named-when-complete",
        known_bad: &["visible-temporary-name"],
    },
    Rule {
        rule: "made with `File::create_new` under the name `temporary_name()` picks at random",
        step: "temporary-name",
        known_bad: &["predictable-temporary-name"],
    },
    Rule {
        rule: "A client that sends nothing for `--idle-timeout` seconds (default 10), before or \
               during its upload, is refused the same way",
        step: "stalls",
        known_bad: &["retries-a-timed-out-read"],
    },
];

/// The steps, in order.
pub const STEPS: &[Step] = &[
    Step {
        id: "saves-one-file",
        name: "saves one file and replies `saved <name> <size>`",
        run: saves_one_file,
    },
    Step {
        id: "saves-a-big-binary-file",
        name: "a 1 MiB file of every byte value, saved byte for byte",
        run: saves_a_big_binary_file,
    },
    Step {
        id: "one-after-another",
        name: "clients one after another (one file is empty)",
        run: one_after_another,
    },
    Step {
        id: "bytewise",
        name: "the upload in 1-byte writes",
        run: bytewise,
    },
    Step {
        id: "never-overwrites",
        name: "a name that exists already is refused, the file kept",
        run: never_overwrites,
    },
    Step {
        id: "unsafe-names",
        name: "unsafe names are refused; nothing is written outside --out-dir",
        run: unsafe_names,
    },
    Step {
        id: "name-not-utf8",
        name: "a name that is not UTF-8 is refused",
        run: name_not_utf8,
    },
    Step {
        id: "headers-not-digits",
        name: "headers that are not digits are refused",
        run: headers_not_digits,
    },
    Step {
        id: "limits",
        name: "the limits: a size over 10 MiB or a name length over 100 is refused at once; 10 MiB \
               itself is taken",
        run: limits,
    },
    Step {
        id: "truncated",
        name: "a truncated upload leaves no file",
        run: truncated,
    },
    Step {
        id: "named-when-complete",
        name: "while the bytes come they go to a hidden temporary file; the file gets its name \
               only when it is complete",
        run: named_when_complete,
    },
    Step {
        id: "temporary-name",
        name: "the temporary file's name is random: a symbolic link planted under it is never \
               followed",
        run: temporary_name,
    },
    Step {
        id: "closes-at-once",
        name: "a client that connects and closes without sending",
        run: closes_at_once,
    },
    Step {
        id: "resets",
        name: "a client that resets mid-upload leaves no file",
        run: resets,
    },
    Step {
        id: "stalls",
        name: "a client that stops sending mid-upload is refused after --idle-timeout; nothing \
               is left",
        run: stalls,
    },
    Step {
        id: "restarts",
        name: "restarts at once on the same port",
        run: restarts,
    },
];

/// The size limit of the protocol: 10 MiB.
const MAX_SIZE: u64 = 10 * 1024 * 1024;

/// How soon a server must refuse a header over a limit: before the `--idle-timeout` of 1 s the
/// checker gives it, so that a server that waits for the bytes it should refuse is caught.
const AT_ONCE: Duration = Duration::from_millis(700);

/// The check's `--out-dir` lives in the lab's scratch folder, so that a name that escapes
/// lands in the scratch folder, where the steps look for it.
const OUT_DIR: &str = "out";

/// Gives the server its `--out-dir`, an empty folder in the lab's scratch folder.
pub fn setup(lab: &mut Lab) -> StepResult {
    let out = out_dir(lab)?;
    std::fs::create_dir_all(&out).map_err(|error| {
        Failure::of_checker(format!("could not create {}: {error}", out.display()))
    })?;
    lab.add_server_args(&["--out-dir", &out.to_string_lossy()]);
    Ok(())
}

fn out_dir(lab: &mut Lab) -> Result<PathBuf, Failure> {
    Ok(lab.scratch_dir()?.join(OUT_DIR))
}

/// The bytes of one upload, as the protocol puts them on the wire.
fn upload(name: &[u8], size: u64, content: &[u8]) -> Vec<u8> {
    let mut wire = format!("{:08}", name.len()).into_bytes();
    wire.extend_from_slice(name);
    wire.extend_from_slice(format!("{size:016}").as_bytes());
    wire.extend_from_slice(content);
    wire
}

/// `content` of `len` bytes that are not text: every byte value, over and over, in an order
/// that differs from one block to the next (a file cut or shifted anywhere shows).
fn binary_content(len: usize) -> Vec<u8> {
    (0..len)
        .map(|index| {
            (index as u8)
                .wrapping_mul(7)
                .wrapping_add((index >> 8) as u8)
        })
        .collect()
}

/// Uploads `content` as `name` and expects `saved <name> <size>\n`, then the close; then the
/// file must hold exactly `content`, and nothing else may have appeared in the folder.
fn saves(lab: &mut Lab, name: &str, content: &[u8]) -> StepResult {
    let mut conn = lab.connect()?;
    let before = entries(&out_dir(lab)?);
    conn.send(&upload(name.as_bytes(), content.len() as u64, content))?;
    let reply = format!("saved {name} {}\n", content.len());
    if let Err(failure) = conn.expect_then_close(reply.as_bytes()) {
        // A server that replied before reading all the bytes closes with some unread, which
        // the client sees as a reset: what it saved tells more than the reset.
        check_saved(lab, &conn, name, content, &before)?;
        return Err(shorter_reproduce(
            failure,
            name,
            content.len(),
            content.len(),
        ));
    }
    check_saved(lab, &conn, name, content, &before)
}

/// The file `name` holds exactly `content`, and it is the only new entry of the folder.
fn check_saved(
    lab: &mut Lab,
    conn: &Conn,
    name: &str,
    content: &[u8],
    before: &BTreeSet<String>,
) -> StepResult {
    let folder = out_dir(lab)?;
    let size = content.len();
    let fail = |problem: String| shorter_reproduce(conn.failure(problem), name, size, size);
    let on_disk = match std::fs::read(folder.join(name)) {
        Ok(bytes) => bytes,
        Err(error) => {
            return Err(fail(format!(
                "the server replied `saved {name} ...`, but --out-dir has no file {name} \
                 ({error})"
            )));
        }
    };
    if on_disk != content {
        let mut failure = fail(format!(
            "the file {name} on disk is not what the client sent: {}",
            first_difference(content, &on_disk)
        ));
        failure.expected = Some(format!("{} bytes: {}", content.len(), show_bytes(content)));
        failure.received = Some(format!("{} bytes: {}", on_disk.len(), show_bytes(&on_disk)));
        return Err(failure);
    }
    let after = entries(&folder);
    let new: Vec<&String> = after.difference(before).filter(|n| *n != name).collect();
    if let Some(stray) = new.first() {
        return Err(fail(format!(
            "after saving {name}, --out-dir also holds `{stray}`: remove the temporary file once \
             the file has its final name (the folder must hold the saved files and nothing else)"
        )));
    }
    Ok(())
}

/// Where two byte strings first differ, in words.
fn first_difference(wanted: &[u8], got: &[u8]) -> String {
    if got.len() < wanted.len() && wanted.starts_with(got) {
        return format!(
            "it has only the first {} of {} bytes (one `read` returns what has arrived so far: \
             read until you have them all)",
            got.len(),
            wanted.len()
        );
    }
    if got.len() != wanted.len() {
        return format!("{} bytes where {} were sent", got.len(), wanted.len());
    }
    let at = wanted
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or_default();
    format!("the bytes differ from byte {at} on")
}

/// For uploads too long to type, a reproduce command that makes the bytes instead: the
/// headers of `name` and `size`, then `sent` random bytes.
fn shorter_reproduce(mut failure: Failure, name: &str, size: usize, sent: usize) -> Failure {
    if sent > 200 {
        failure.reproduce = vec![format!(
            "{{ printf '{:08}{name}{size:016}'; head -c {sent} /dev/urandom; }} | nc -N 127.0.0.1 \
             50002",
            name.len()
        )];
    }
    failure
}

/// The names in `folder` (empty if it cannot be read).
fn entries(folder: &Path) -> BTreeSet<String> {
    std::fs::read_dir(folder)
        .map(|list| {
            list.filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The server must refuse what `conn` sent: one line `error: <why>\n`, then the end of the
/// connection (a close; or a reset, when it refused before reading all we sent), within
/// `within`.
fn expect_refusal(lab: &mut Lab, conn: &mut Conn, within: Duration, what: &str) -> StepResult {
    let start = conn.received().len();
    let ended = conn.closes_within(within);
    let reply = &conn.received()[start..];
    let one_line = reply.starts_with(b"error: ")
        && reply.ends_with(b"\n")
        && reply.iter().filter(|byte| **byte == b'\n').count() == 1;
    if one_line && ended {
        return Ok(());
    }
    let problem = match (reply.is_empty(), ended) {
        (true, false) => no_answer(what, within, was_accepted(lab, conn)),
        (_, false) => format!("{what}: the server answered, but did not close the connection"),
        _ if reply.starts_with(b"saved ") => format!("{what}, but the server saved it"),
        _ => format!("{what}: the answer must be one line `error: <why>`"),
    };
    Err(conn.mismatch(
        start,
        b"",
        "`error: <why>\\n` (one line), then the connection closed",
        &problem,
    ))
}

/// Whether the server has said that it accepted `conn` (`exercises::serve` prints
/// `accepted connection from <address>` for each client it takes).
fn was_accepted(lab: &mut Lab, conn: &Conn) -> bool {
    let Ok(address) = conn.local_addr() else {
        return true;
    };
    lab.lines_about(address)
        .iter()
        .any(|line| line.contains("accepted"))
}

/// What it means that no answer to `what` came within `within`: the server did not refuse
/// at once, or (`accepted` false) it was still busy with an earlier client, and never got to
/// this one.
fn no_answer(what: &str, within: Duration, accepted: bool) -> String {
    let waited = format!(
        "{what}, but no answer came within {:.1} s",
        within.as_secs_f64()
    );
    match accepted {
        true => waited,
        false => format!(
            "{waited}. The server had not even accepted this connection (it printed no \
             `accepted connection from` line for it): it was still busy with the client before \
             this one, which it had answered. A server that serves one client at a time takes \
             the next only once its function for the previous one has returned: after the \
             reply, return at once, without waiting for that client to send more or to close"
        ),
    }
}

/// No entry of `folder` is new since `before` (a refused or broken upload saves nothing, not
/// even a temporary file).
fn nothing_new(folder: &Path, before: &BTreeSet<String>, after_what: &str) -> StepResult {
    let after = entries(folder);
    let Some(stray) = after.difference(before).next() else {
        return Ok(());
    };
    let problem = match stray.starts_with('.') {
        true => format!(
            "after {after_what}, a temporary file `{stray}` is left in --out-dir: remove it \
             whatever happens"
        ),
        false => format!(
            "after {after_what}, --out-dir holds a file `{stray}`: nothing may be saved (a file \
             there looks complete to anyone who opens the folder)"
        ),
    };
    Err(Failure::new(problem))
}

/// A name for the next well-behaved client: a new one every time, since names are never
/// replaced.
fn next_name() -> String {
    static CLIENTS: AtomicUsize = AtomicUsize::new(1);
    format!("client-{}.txt", CLIENTS.fetch_add(1, Ordering::Relaxed))
}

/// One well-behaved client, served correctly (for the steps every server exercise shares).
fn served(lab: &mut Lab) -> StepResult {
    let name = next_name();
    saves(lab, &name, format!("uploaded as {name}\n").as_bytes())
}

fn saves_one_file(lab: &mut Lab) -> StepResult {
    saves(lab, "hello.txt", b"Hello, file!\n")
}

fn saves_a_big_binary_file(lab: &mut Lab) -> StepResult {
    saves(lab, "bytes.bin", &binary_content(1024 * 1024))
}

fn one_after_another(lab: &mut Lab) -> StepResult {
    saves(lab, "first.txt", b"one\n")?;
    saves(lab, "empty.txt", b"")?;
    saves(lab, "third_file-3.log", b"three\n")
}

fn bytewise(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    let before = entries(&out_dir(lab)?);
    let content = b"sent one byte at a time\n";
    let reply = format!("saved slow.txt {}\n", content.len());
    if conn
        .send_bytewise(&upload(b"slow.txt", content.len() as u64, content))
        .is_err()
    {
        // The server closed before the upload was complete: show what it answered.
        conn.closes_within(Duration::from_millis(500));
        let mut failure = conn.mismatch(
            0,
            reply.as_bytes(),
            ", then the connection closed",
            "the server gave up before the upload was complete. Sent one byte per write, each \
             header arrives one byte per `read`: read until you have all its digits",
        );
        let whole = upload(b"slow.txt", content.len() as u64, content);
        failure.reproduce = vec![
            "cargo run -q --bin wiretap -- tcp --listen 127.0.0.1:9000 --to 127.0.0.1:50002 \
             --chunk 1    (passes on one byte at a time)"
                .to_string(),
            format!("printf '{}' | nc -N 127.0.0.1 9000", printf_escape(&whole)),
        ];
        return Err(failure);
    }
    conn.expect_then_close(reply.as_bytes())?;
    check_saved(lab, &conn, "slow.txt", content, &before)
}

fn never_overwrites(lab: &mut Lab) -> StepResult {
    let first = b"the first notes.txt\n";
    saves(lab, "notes.txt", first)?;
    let folder = out_dir(lab)?;
    let before = entries(&folder);
    let mut conn = lab.connect()?;
    conn.send(&upload(b"notes.txt", 9, b"replaced\n"))?;
    expect_refusal(
        lab,
        &mut conn,
        REPLY_TIMEOUT,
        "a second upload named notes.txt must be refused (never overwrite)",
    )?;
    let kept = std::fs::read(folder.join("notes.txt")).unwrap_or_default();
    if kept != first {
        let mut failure = conn.failure(
            "the first notes.txt was changed by the second upload: a file, once saved, is never \
             replaced"
                .to_string(),
        );
        failure.expected = Some(show_bytes(first));
        failure.received = Some(show_bytes(&kept));
        return Err(failure);
    }
    nothing_new(&folder, &before, "a refused upload").map_err(|f| with_conn(f, &conn))
}

/// `failure`, with what `conn` sent and how to send it by hand.
fn with_conn(failure: Failure, conn: &Conn) -> Failure {
    Failure {
        expected: failure.expected,
        received: failure.received,
        ..conn.failure(failure.problem)
    }
}

fn unsafe_names(lab: &mut Lab) -> StepResult {
    let folder = out_dir(lab)?;
    let parent = lab.scratch_dir()?;
    let too_long = "x".repeat(101);
    let names: [&str; 8] = [
        "../escape",
        "..",
        ".hidden",
        "sub/dir.txt",
        "",
        &too_long,
        "two words.txt",
        "semi;colon",
    ];
    for name in names {
        let (before, around) = (entries(&folder), entries(&parent));
        let mut conn = lab.connect()?;
        conn.send(&upload(name.as_bytes(), 5, b"oops\n"))?;
        let what = format!("the name {name:?} must be refused");
        let refused = expect_refusal(lab, &mut conn, REPLY_TIMEOUT, &what);
        // The folder above --out-dir: where `../escape` would land. Worse than any reply.
        if let Some(escaped) = entries(&parent).difference(&around).next() {
            return Err(conn.failure(format!(
                "the name {name:?} made the server write `{escaped}` outside --out-dir, in the \
                 folder above it: never use a client's name as a path without checking it"
            )));
        }
        refused?;
        nothing_new(&folder, &before, &format!("refusing the name {name:?}"))
            .map_err(|f| with_conn(f, &conn))?;
    }
    Ok(())
}

fn name_not_utf8(lab: &mut Lab) -> StepResult {
    let folder = out_dir(lab)?;
    let before = entries(&folder);
    let mut conn = lab.connect()?;
    conn.send(&upload(&[0xff, 0xfe, b'.', b't', b'x', b't'], 5, b"oops\n"))?;
    expect_refusal(
        lab,
        &mut conn,
        REPLY_TIMEOUT,
        "a name that is not UTF-8 (ff fe .txt) must be refused",
    )?;
    nothing_new(&folder, &before, "refusing a name that is not UTF-8")
        .map_err(|f| with_conn(f, &conn))?;
    lab.expect_running()?;
    served(lab)
}

fn headers_not_digits(lab: &mut Lab) -> StepResult {
    let folder = out_dir(lab)?;
    // Each with a name of its own that no file has: a refusal must be for the header alone.
    let cases: [(&[u8], &str); 4] = [
        (
            b"0000000xhello.txt0000000000000005hello",
            "a name length `0000000x`",
        ),
        (
            b"00000009minus.txt-000000000000005hello",
            "a size `-000000000000005`",
        ),
        (
            b"00000009space.txt 000000000000005hello",
            "a size ` 000000000000005`",
        ),
        (
            b"00000008plus.txt+000000000000005hello",
            "a size `+000000000000005`",
        ),
    ];
    for (wire, what) in cases {
        let before = entries(&folder);
        let mut conn = lab.connect()?;
        conn.send(wire)?;
        expect_refusal(
            lab,
            &mut conn,
            REPLY_TIMEOUT,
            &format!("{what} is not all digits and must be refused"),
        )?;
        nothing_new(&folder, &before, &format!("refusing {what}"))
            .map_err(|f| with_conn(f, &conn))?;
    }
    Ok(())
}

fn limits(lab: &mut Lab) -> StepResult {
    let folder = out_dir(lab)?;
    let before = entries(&folder);
    // Only the headers: a server that waits for the bytes before it refuses waits in vain.
    let mut conn = lab.connect()?;
    conn.send(format!("00000007big.bin{:016}", MAX_SIZE + 1).as_bytes())?;
    expect_refusal(
        lab,
        &mut conn,
        AT_ONCE,
        "a size of 10485761 bytes (10 MiB + 1) must be refused as soon as the size is read, \
         before any of the file's bytes (the client sent none)",
    )?;
    // Closed before the next client comes: a server may wait for its client to close before
    // it takes the next one (one that drains what is left to read, say).
    drop(conn);
    let mut conn = lab.connect()?;
    conn.send(b"99999999")?;
    expect_refusal(
        lab,
        &mut conn,
        AT_ONCE,
        "a name length of 99999999 must be refused as soon as it is read, before the name (the \
         client sent none)",
    )?;
    drop(conn);
    nothing_new(&folder, &before, "refusing uploads over the limits")?;
    accepts_the_limit(lab)
}

/// A size of exactly 10 MiB is allowed. Rather than send all of it, the checker sends the
/// headers and 64 KiB, and watches: a server that refuses the size answers at once, one that
/// takes it answers nothing (and most likely starts a file). Then the client stops halfway, and
/// the upload must be refused. (What a broken upload leaves is the next step's business.)
fn accepts_the_limit(lab: &mut Lab) -> StepResult {
    let folder = out_dir(lab)?;
    let before = entries(&folder);
    let mut conn = lab.connect()?;
    conn.send(&upload(b"limit.bin", MAX_SIZE, &binary_content(64 * 1024)))?;
    let deadline = Instant::now() + NO_REFUSAL;
    loop {
        let ended = conn.closes_within(Duration::from_millis(5));
        if ended || !conn.received().is_empty() {
            let mut failure = conn.mismatch(
                0,
                b"",
                "no answer yet: the server receives the 10 MiB",
                "a size of exactly 10485760 bytes (10 MiB) is allowed: only a size over it is \
                 refused (`>`, not `>=`)",
            );
            failure.sent = Some(
                "\"00000009limit.bin0000000010485760\" and 65536 bytes of the file (in one write)"
                    .to_string(),
            );
            return Err(shorter_reproduce(
                failure,
                "limit.bin",
                MAX_SIZE as usize,
                64 * 1024,
            ));
        }
        let writing = entries(&folder).difference(&before).next().is_some();
        if writing || Instant::now() >= deadline {
            break;
        }
    }
    conn.half_close()?;
    expect_refusal(
        lab,
        &mut conn,
        REPLY_TIMEOUT,
        "the client announced 10485760 bytes, sent 65536 and closed its side: the upload must \
         be refused",
    )
}

/// How long the checker waits for a refusal of exactly 10 MiB that should not come, when the
/// server shows no file it writes: a server that refuses does so at once.
const NO_REFUSAL: Duration = Duration::from_millis(500);

fn truncated(lab: &mut Lab) -> StepResult {
    let folder = out_dir(lab)?;
    let before = entries(&folder);
    let mut conn = lab.connect()?;
    conn.send(&upload(b"cut.bin", 1000, &binary_content(400)))?;
    conn.half_close()?;
    expect_refusal(
        lab,
        &mut conn,
        REPLY_TIMEOUT,
        "the client announced 1000 bytes, sent 400 and closed its side: the upload must be \
         refused",
    )
    .map_err(|failure| shorter_reproduce(failure, "cut.bin", 1000, 400))?;
    nothing_new(&folder, &before, "a truncated upload")
        .map_err(|failure| shorter_reproduce(with_conn(failure, &conn), "cut.bin", 1000, 400))
}

fn named_when_complete(lab: &mut Lab) -> StepResult {
    let folder = out_dir(lab)?;
    let before = entries(&folder);
    let content = binary_content(2000);
    let wire = upload(b"halfway.bin", 2000, &content);
    let (first, rest) = wire.split_at(wire.len() - 1000);
    let mut conn = lab.connect()?;
    conn.send(first)?;
    let midway = new_entries_within(&folder, &before, MIDWAY);
    if let Some(problem) = judge_midway(&midway, "halfway.bin") {
        let mut failure = conn.failure(problem);
        failure.reproduce = vec![
            "{ printf '00000011halfway.bin0000000000002000'; head -c 1000 /dev/urandom; sleep 5; \
             head -c 1000 /dev/urandom; } | nc -N 127.0.0.1 50002    (and look into the folder, \
             with `ls -a`, during the 5 seconds)"
                .to_string(),
        ];
        return Err(failure);
    }
    conn.send(rest)?;
    conn.expect_then_close(b"saved halfway.bin 2000\n")
        .map_err(|failure| shorter_reproduce(failure, "halfway.bin", 2000, 2000))?;
    check_saved(lab, &conn, "halfway.bin", &content, &before)
}

/// How long the server may take to start writing a file once its headers have come.
const MIDWAY: Duration = Duration::from_secs(2);

/// The entries of `folder` that are not in `before`, as soon as there is one (waiting up to
/// `limit`); none if none came.
fn new_entries_within(folder: &Path, before: &BTreeSet<String>, limit: Duration) -> Vec<String> {
    let deadline = Instant::now() + limit;
    loop {
        let new: Vec<String> = entries(folder).difference(before).cloned().collect();
        if !new.is_empty() || Instant::now() >= deadline {
            return new;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// What is wrong with the folder halfway through the upload of `name`, where `new` are its
/// new entries: it must hold the bytes so far in a hidden temporary file, and nothing else.
fn judge_midway(new: &[String], name: &str) -> Option<String> {
    if new.iter().any(|entry| entry == name) {
        return Some(format!(
            "halfway through the upload, --out-dir already shows {name}: anyone who opens it now \
             gets half a file. Write the bytes to a temporary file whose name starts with `.`, \
             and give the file its name once all of them are there"
        ));
    }
    if let Some(visible) = new.iter().find(|entry| !entry.starts_with('.')) {
        return Some(format!(
            "halfway through the upload of {name}, --out-dir shows `{visible}`, which looks like \
             a saved file: the temporary file's name must start with `.` (`temporary_name()`)"
        ));
    }
    if new.is_empty() {
        return Some(format!(
            "halfway through the upload of {name} (its headers and 1000 of its 2000 bytes had \
             come), --out-dir held no temporary file after {} s.\nWrite the bytes to a temporary \
             file as they come. (A server that keeps them in memory until the end holds up to \
             10 MiB per client, and one that then writes them with one `fs::write` to the \
             final name shows a half-written file while it writes)",
            MIDWAY.as_secs()
        ));
    }
    None
}

/// A client uploads `secret.bin` and stops halfway (the upload is refused); while it was
/// uploading, the checker saw the name of the temporary file. It plants a symbolic link under
/// that name, to a file outside --out-dir, and uploads `secret.bin` again: a server that picks
/// its temporary names at random never meets the link; one that uses the same name again
/// (`File::create` follows the link and writes outside the folder; `File::create_new` fails).
fn temporary_name(lab: &mut Lab) -> StepResult {
    let folder = out_dir(lab)?;
    let outside = lab.scratch_dir()?.join("planted-target");
    let content = binary_content(2000);
    let wire = upload(b"secret.bin", 2000, &content);

    let before = entries(&folder);
    let mut cut = lab.connect()?;
    cut.send(&wire[..wire.len() - 1000])?;
    let midway = new_entries_within(&folder, &before, MIDWAY);
    let Some(temporary) = midway.iter().find(|entry| entry.starts_with('.')).cloned() else {
        return Err(cut.failure(judge_midway(&midway, "secret.bin").unwrap_or_default()));
    };
    cut.half_close()?;
    expect_refusal(
        lab,
        &mut cut,
        REPLY_TIMEOUT,
        "the client announced 2000 bytes, sent 1000 and closed its side: the upload must be \
         refused",
    )?;
    drop(cut);
    nothing_new(&folder, &before, "an upload cut short")?;

    let planted = folder.join(&temporary);
    plant_link(&outside, &planted)?;
    let before = entries(&folder);
    let mut conn = lab.connect()?;
    conn.send(&wire)?;
    let saved = conn.expect_then_close(b"saved secret.bin 2000\n");
    let wrote_outside = outside.exists();
    let _ = std::fs::remove_file(&planted);
    let _ = std::fs::remove_file(&outside);
    if wrote_outside {
        return Err(conn.failure(format!(
            "the checker planted a symbolic link named `{temporary}` (the name of the temporary \
             file of the upload before) in --out-dir, pointing to a file outside it, and the \
             server wrote through it, outside --out-dir.\nCreate the temporary file with \
             `File::create_new`, which never follows a link, under a name nobody can guess \
             (`temporary_name()` picks a random one each time)"
        )));
    }
    saved.map_err(|failure| {
        failure.with_note(format!(
            "The checker had planted a symbolic link named `{temporary}` (the temporary file's \
             name in the upload before) in --out-dir: a server that picks its temporary names at \
             random (`temporary_name()`) never meets it, and saves the file."
        ))
    })?;
    let mut before = before;
    before.remove(&temporary);
    check_saved(lab, &conn, "secret.bin", &content, &before)
}

/// A symbolic link at `link` to `target` (on systems without them, an empty file: then the
/// step only checks that a file under the temporary name does not stop the upload).
fn plant_link(target: &Path, link: &Path) -> StepResult {
    #[cfg(unix)]
    let planted = std::os::unix::fs::symlink(target, link);
    #[cfg(not(unix))]
    let planted = {
        let _ = target;
        std::fs::write(link, b"")
    };
    planted.map_err(|error| {
        Failure::of_checker(format!(
            "the checker could not plant a link at {}: {error}",
            link.display()
        ))
    })
}

fn closes_at_once(lab: &mut Lab) -> StepResult {
    common::closes_at_once(lab, served)
}

fn resets(lab: &mut Lab) -> StepResult {
    let folder = out_dir(lab)?;
    let before = entries(&folder);
    common::resets(lab, &upload(b"reset.bin", 1000, &[b'r'; 300]), served)?;
    // The next client was served: its file (client-N.txt) is the only new one.
    let after = entries(&folder);
    let stray = after
        .difference(&before)
        .find(|name| !name.starts_with("client-"));
    match stray {
        Some(stray) => Err(Failure::new(format!(
            "a client that reset the connection after 300 of 1000 bytes left `{stray}` in \
             --out-dir: a broken upload must leave nothing, not even a temporary file"
        ))),
        None => Ok(()),
    }
}

/// How long a client that stopped sending may wait for its refusal: the checker's
/// --idle-timeout (1 s), and room for a busy machine.
const STALLED: Duration = Duration::from_millis(2500);

/// A client sends its headers and 300 of the 1000 bytes it announced, then nothing: after
/// --idle-timeout the server refuses it, leaves nothing in the folder, and serves the next.
fn stalls(lab: &mut Lab) -> StepResult {
    let folder = out_dir(lab)?;
    let before = entries(&folder);
    let mut stalled = lab.connect()?;
    stalled.send(&upload(b"stalled.bin", 1000, &binary_content(300)))?;
    expect_refusal(
        lab,
        &mut stalled,
        STALLED,
        "the client sent 300 of the 1000 bytes it announced, then nothing: after --idle-timeout \
         (the checker gives 1 s), the upload must be refused",
    )
    .map_err(|failure| shorter_reproduce(failure, "stalled.bin", 1000, 300))?;
    drop(stalled);
    nothing_new(&folder, &before, "refusing a client that stopped sending")?;
    lab.expect_running()?;
    served(lab)
}

fn restarts(lab: &mut Lab) -> StepResult {
    common::restarts_at_once(lab, served)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{judge_midway, no_answer};

    #[test]
    fn no_answer_blames_the_client_before_when_the_server_never_accepted_this_one() {
        let what = "a name length of 99999999 must be refused as soon as it is read";
        let accepted = no_answer(what, Duration::from_millis(700), true);
        assert_eq!(accepted, format!("{what}, but no answer came within 0.7 s"));
        let busy = no_answer(what, Duration::from_millis(700), false);
        assert!(busy.starts_with(&accepted), "{busy}");
        assert!(
            busy.contains("had not even accepted this connection"),
            "{busy}"
        );
        assert!(
            busy.contains("still busy with the client before this one"),
            "{busy}"
        );
    }

    #[test]
    fn halfway_the_folder_holds_a_hidden_temporary_file_and_nothing_else() {
        let said = |new: &[&str]| {
            let new: Vec<String> = new.iter().map(|entry| entry.to_string()).collect();
            judge_midway(&new, "halfway.bin")
        };
        assert_eq!(said(&[".upload-0123456789abcdef.part"]), None);
        assert!(said(&["halfway.bin"]).is_some_and(|s| s.contains("already shows halfway.bin")));
        assert!(said(&["halfway.bin.part"]).is_some_and(|s| s.contains("must start with `.`")));
        assert!(said(&[]).is_some_and(|s| s.contains("as they come")));
    }
}
