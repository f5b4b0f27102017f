//! `just bench-image`: how long pictures of about 1, 4 and 16 MB take from image-client to
//! image-server, in each framing, and how long a receiver written like the tutorial's takes.
//!
//! The pictures are noise (`--generate WxH --noise`), which PNG cannot compress, so their
//! size is known: 512x512, 1024x1024 and 2048x2048 pixels of 4 random bytes each. For each
//! size and framing, the best of five runs is shown: the server's receive time (from the
//! first byte to the end of the message), and the client's time from connecting to the
//! server's answer (receive, JSON, base64, decoding every pixel, writing the file).
//!
//! When `python3` is available it also times `tests/python/tutorial_image_server.py`, whose
//! receive loop searches everything received so far after every `recv(1024)`, as the
//! tutorial's does, on the same 1 and 4 MB messages. That search makes its time grow with the
//! square of the size: 16 MB takes minutes, so it runs only with `-- --python-16`.
//!
//! Run: `cargo bench -p lesson-image --bench transfer` (a release build), or
//! `just bench-image`; `-- --help` prints the options. Nothing here is a test: timings depend
//! on the machine. Sizes are in MB (millions of bytes), as in the lesson.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use testkit::procs::{self, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_image-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_image-client");

/// The sides of the square noise pictures: about 1, 4 and 16 MB of PNG.
const SIDES: [u32; 3] = [512, 1024, 2048];

/// Runs of each of our transfers; the fastest is shown.
const RUNS: usize = 5;

/// How long the tutorial-style Python receiver may take (16 MB takes minutes).
const PYTHON_LIMIT: Duration = Duration::from_secs(1800);

/// One transfer, as both programs reported it.
struct Measured {
    png_bytes: usize,
    wire_bytes: usize,
    receive_ms: f64,
    total_ms: f64,
}

/// What `-- --help` prints.
const USAGE: &str = "\
Times pictures of about 1, 4 and 16 MB from image-client to image-server (release builds),
in both framings, and the tutorial-style Python receiver on the 1 and 4 MB messages.

Usage: cargo bench -p lesson-image --bench transfer [-- OPTIONS]
   or: just bench-image [-- OPTIONS]

Options:
  --python-16  also time the Python receiver on 16 MB (about nine minutes more)
  -h, --help   print this help and exit";

fn main() -> Result<()> {
    let mut python_16 = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--python-16" => python_16 = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            // `cargo bench` passes --bench to every benchmark program.
            "--bench" => {}
            other => {
                eprintln!("error: unknown option {other:?}\n\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
    let folder = std::env::temp_dir().join(format!("image-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder).context("could not create a temporary folder")?;
    let result = bench(&folder, python_16);
    let _ = std::fs::remove_dir_all(&folder);
    result
}

fn bench(folder: &Path, python_16: bool) -> Result<()> {
    let folder_arg = folder.to_str().context("a UTF-8 temporary path")?;
    let mut server = Server::start(Path::new(SERVER), &["--port", "0", "--out-dir", folder_arg])?;
    server.next_line()?; // saving pictures in ...
    let port = server.port_arg();
    let python = testkit::python::python3_available("the tutorial-style Python receiver");

    println!(
        "| picture (PNG) | receiver | framing | bytes on the wire | receive time | MB/s | connect to answer |"
    );
    println!("|---:|---|---|---:|---:|---:|---:|");
    let mut receive_times = Vec::new();
    for side in SIDES {
        for framing in ["delimiter", "length"] {
            let mut best: Option<Measured> = None;
            for _ in 0..RUNS {
                let measured = ours(&mut server, &port, side, framing)?;
                clear(folder)?;
                if best
                    .as_ref()
                    .is_none_or(|b| measured.receive_ms < b.receive_ms)
                {
                    best = Some(measured);
                }
            }
            let best = best.context("at least one run")?;
            receive_times.push((side, framing, best.receive_ms));
            row("image-server (Rust)", framing, &best);
        }
        if python && (side < 2048 || python_16) {
            let measured = tutorial_python(folder, side)?;
            row("tutorial-style (Python)", "delimiter", &measured);
        } else if python {
            println!(
                "| {} | tutorial-style (Python) | delimiter | | skipped: minutes (add `-- --python-16`) | | |",
                megabytes(side_png_bytes(side))
            );
        }
    }
    println!();
    for framing in ["delimiter", "length"] {
        let time = |side: u32| {
            receive_times
                .iter()
                .find(|(s, f, _)| *s == side && *f == framing)
                .map_or(f64::NAN, |(_, _, ms)| *ms)
        };
        println!(
            "image-server, {framing}: receiving 16 MB took {:.1}x as long as 4 MB (linear: about 4x)",
            time(2048) / time(1024)
        );
    }
    server.kill()?;
    Ok(())
}

/// Sends a noise picture of `side` x `side` with image-client and reads both sides' numbers.
fn ours(server: &mut Server, port: &str, side: u32, framing: &str) -> Result<Measured> {
    let size = format!("{side}x{side}");
    let output = procs::run_with_timeout(
        Path::new(CLIENT),
        &[
            "--port",
            port,
            "--generate",
            &size,
            "--noise",
            "--framing",
            framing,
            "--timeout",
            "60",
        ],
        b"",
        Duration::from_secs(120),
    )?;
    if output.code() != 0 {
        bail!("image-client failed: {}{}", output.stdout, output.stderr);
    }
    let lines = server.wait_for(|line| line.starts_with("closed connection from"))?;
    let received = lines
        .iter()
        .find(|line| line.starts_with("received "))
        .context("the server's received line")?;
    Ok(Measured {
        png_bytes: number_after(&output.stdout, "as PNG: ")?,
        wire_bytes: number_after(received, "received ")?,
        receive_ms: number_after(received, " in ")?,
        total_ms: number_after(&output.stdout, "took ")?,
    })
}

/// Times the tutorial-style Python receiver on the delimiter message of the same picture.
fn tutorial_python(folder: &Path, side: u32) -> Result<Measured> {
    let program =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/tutorial_image_server.py");
    let out = folder.join("python.png");
    let mut receiver = Server::start(
        testkit::python::interpreter().context("python3 is not installed")?,
        &[
            program.to_str().context("a UTF-8 path")?,
            out.to_str().context("a UTF-8 path")?,
        ],
    )?;
    let size = format!("{side}x{side}");
    let output = procs::run_with_timeout(
        Path::new(CLIENT),
        &[
            "--port",
            &receiver.port_arg(),
            "--generate",
            &size,
            "--noise",
            "--timeout",
            &PYTHON_LIMIT.as_secs().to_string(),
        ],
        b"",
        PYTHON_LIMIT,
    )?;
    if output.code() != 0 {
        bail!("image-client failed: {}{}", output.stdout, output.stderr);
    }
    let received = receiver.next_line()?;
    receiver.finish()?;
    clear(folder)?;
    Ok(Measured {
        png_bytes: number_after(&output.stdout, "as PNG: ")?,
        wire_bytes: number_after(&received, "received ")?,
        receive_ms: number_after::<f64>(&received, " in ")? * 1000.0,
        total_ms: number_after(&output.stdout, "took ")?,
    })
}

fn row(receiver: &str, framing: &str, measured: &Measured) {
    let rate = measured.png_bytes as f64 / (measured.receive_ms / 1000.0) / 1e6;
    let rate = if rate < 10.0 {
        format!("{rate:.2}")
    } else {
        format!("{rate:.0}")
    };
    let total = show_ms(measured.total_ms);
    println!(
        "| {} | {receiver} | {framing} | {} | {} | {rate} | {total} |",
        megabytes(measured.png_bytes),
        measured.wire_bytes,
        show_ms(measured.receive_ms),
    );
}

fn show_ms(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.1} ms")
    }
}

fn megabytes(bytes: usize) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

/// About how many bytes the PNG of a noise picture of `side` x `side` has.
fn side_png_bytes(side: u32) -> usize {
    side as usize * side as usize * 4
}

/// The number that follows `marker` in `text`: `number_after("took 12.5 ms", "took ")` is 12.5.
fn number_after<T: std::str::FromStr>(text: &str, marker: &str) -> Result<T> {
    let (_, rest) = text
        .split_once(marker)
        .with_context(|| format!("no {marker:?} in {text:?}"))?;
    let number: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    number
        .parse()
        .ok()
        .with_context(|| format!("no number after {marker:?} in {text:?}"))
}

/// Removes the saved pictures, so that the folder does not fill the disk.
fn clear(folder: &Path) -> Result<()> {
    for entry in std::fs::read_dir(folder)? {
        std::fs::remove_file(entry?.path())?;
    }
    Ok(())
}
