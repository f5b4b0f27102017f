//! Lesson 6, the client: sends one picture to image-server.
//!
//! It follows the image part of Tutorial 5: open the picture, save it as PNG in memory,
//! encode that in base64, put it in a JSON object, add `##END##` and send it all. With
//! `--framing length` it sends the PNG as it is behind an 8-digit length instead. Then it
//! waits for the server's one-line answer and checks that the server has the same bytes.
//!
//! Start `image-server` first, then `cargo run --bin image-client -- --generate 640x480`
//! (or give it a PNG file). The walkthrough is `lessons/06-image-transfer.md`.

use std::io::BufReader;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Parser;
use image::DynamicImage;
use lesson_image::picture::{self, Pattern, Size, crc32};
use lesson_image::{DELIMITER, PORT};
use netlesson::framing::{FrameError, read_line, send_all, send_frame};
use netlesson::show::count;
use netlesson::{ClientOptions, Limit, Traced};
use serde::Serialize;

/// The longest answer we accept from the server.
const MAX_REPLY: usize = 4096;

/// Lesson 6's client: sends a picture to image-server (base64 in JSON up to ##END##, or PNG
/// behind an 8-digit length) and checks the server's answer.
#[derive(Parser)]
// Both ways to call it, so that the error for a missing PATH shows --generate too.
#[command(
    version,
    override_usage = concat!(
        "image-client [OPTIONS] <PATH>\n",
        "       image-client [OPTIONS] --generate <WxH>"
    )
)]
struct Options {
    /// Port of the server
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    client: ClientOptions,

    /// The picture to send, a PNG file (or leave it out and use --generate WxH)
    #[arg(required_unless_present = "generate", conflicts_with = "generate")]
    path: Option<PathBuf>,

    /// Draw a test picture of this size instead of reading a file, e.g. 640x480
    #[arg(long, value_name = "WxH")]
    generate: Option<Size>,

    /// With --generate: random pixels (the same on every run), which PNG cannot compress
    #[arg(long, requires = "generate")]
    noise: bool,

    /// How the server can tell where the picture ends
    #[arg(long, value_enum, default_value_t = Framing::Delimiter)]
    framing: Framing,

    /// The file name to suggest to the server (default: the file's own name, or
    /// generated-WxH.png)
    #[arg(long)]
    name: Option<String>,

    /// Text for the JSON's other_info field
    #[arg(long, value_name = "TEXT", default_value = "sent by image-client")]
    info: String,
}

/// The two ways to mark where the picture ends.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Framing {
    /// Base64 in JSON, then ##END## (the tutorial's format)
    Delimiter,
    /// An 8-digit length, then the PNG bytes as they are
    Length,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.client.trace);
    let timeout = Limit::timeout(options.client.timeout);
    netlesson::finish(run(&options), Some(timeout))
}

fn run(options: &Options) -> Result<()> {
    // ANCHOR: load
    // Image.open(...) and img.save(buffered, format="PNG"): whatever the picture was, we
    // send it as a PNG file made in memory.
    let (picture, name) = load_or_generate(options)?;
    let png = picture::encode_png(&picture).context("could not encode the picture as PNG")?;
    println!(
        "as PNG: {}, crc32 {:08x}",
        count(png.len(), "byte"),
        crc32(&png)
    );
    // ANCHOR_END: load

    let message = match options.framing {
        Framing::Delimiter => json_message(&png, &name, &options.info)?,
        Framing::Length => length_message(&png)?,
    };

    // ANCHOR: send
    let started = Instant::now();
    let mut server = netlesson::connect(&options.client, options.port, "image-server")?;
    // sendall(data): send_all (lesson 5) keeps sending until every byte has gone.
    if let Err(error) = send_all(&mut server, &message) {
        return Err(why_sending_failed(&mut server, &png, error));
    }
    println!(
        "connected and sent {} in {}",
        count(message.len(), "byte"),
        milliseconds(started.elapsed())
    );
    // ANCHOR_END: send

    // ANCHOR: answer
    // The tutorial's client closes here. We wait for the server's one-line answer, which
    // says whether the picture arrived whole and was saved.
    let answer = read_line(&mut BufReader::new(&mut server), MAX_REPLY)
        .context("no answer from the server")?;
    let took = started.elapsed();
    match answer {
        Some(line) => check_answer(&line, &png)?,
        None => println!(
            "the server closed the connection without an answer \
             (the tutorial's server sends none), so we cannot tell whether it saved the picture"
        ),
    }
    println!(
        "took {} from connecting to the server's answer",
        milliseconds(took)
    );
    Ok(())
    // ANCHOR_END: answer
} // <- `server` is dropped here, which closes the connection.

/// Explains why sending failed. A server that refuses a picture early (it is too big, say)
/// answers `error: ...` and closes while we are still sending, which makes our sending fail:
/// its answer, which arrived before, says why.
fn why_sending_failed(
    server: &mut Traced<TcpStream>,
    png: &[u8],
    error: FrameError,
) -> anyhow::Error {
    let closed_by_server = matches!(
        &error,
        FrameError::Io(io_error) if matches!(
            io_error.kind(),
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
        )
    );
    if closed_by_server
        && let Ok(Some(answer)) = read_line(&mut BufReader::new(server), MAX_REPLY)
        && let Err(refused) = check_answer(&answer, png)
    {
        return refused;
    }
    anyhow::Error::new(error).context("could not send the picture")
}

/// Reads the picture at PATH, or draws the one --generate asks for. Returns it with the file
/// name to suggest to the server.
fn load_or_generate(options: &Options) -> Result<(DynamicImage, String)> {
    if let Some(size) = options.generate {
        let pattern = if options.noise {
            Pattern::Noise
        } else {
            Pattern::Gradient
        };
        let name = options
            .name
            .clone()
            .unwrap_or_else(|| format!("generated-{size}.png"));
        let picture = picture::generate(size, pattern);
        println!(
            "drew a test picture of {size} pixels ({})",
            pattern.describe()
        );
        return Ok((picture, name));
    }
    let Some(path) = &options.path else {
        bail!("give the picture's file, or --generate WxH");
    };
    // The image crate's errors repeat their cause in their own message: keep the message only.
    let picture = image::open(path)
        .map_err(|error| anyhow::anyhow!("{error}"))
        .with_context(|| {
            format!(
                "could not read the picture {} (this course reads PNG files only)",
                path.display()
            )
        })?;
    let own_name = path.file_name().unwrap_or_default().to_string_lossy();
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| own_name.into_owned());
    println!(
        "read {}: {}x{} pixels",
        path.display(),
        picture.width(),
        picture.height()
    );
    Ok((picture, name))
}

// ANCHOR: json-message
/// The JSON object of the tutorial, plus the file name we suggest.
#[derive(Serialize)]
struct Message<'a> {
    image: &'a str,
    other_info: &'a str,
    name: &'a str,
}

/// The tutorial's format: the PNG in base64, in a JSON object, then `##END##`.
fn json_message(png: &[u8], name: &str, info: &str) -> Result<Vec<u8>> {
    // base64.b64encode: 3 bytes become 4 characters from A-Z a-z 0-9 + / (and = at the end).
    let encoded = STANDARD.encode(png);
    let json = serde_json::to_string(&Message {
        image: &encoded,
        other_info: info,
        name,
    })?;
    // A # can only stand inside a JSON string, where \u0023 means the same character. Written
    // that way, ##END## cannot occur in the JSON: the first one the server sees is ours.
    let json = json.replace('#', "\\u0023");
    let mut message = json.into_bytes();
    message.extend_from_slice(DELIMITER);
    println!(
        "in base64: {}; as JSON, with ##END##: {}",
        count(encoded.len(), "byte"),
        count(message.len(), "byte")
    );
    Ok(message)
}
// ANCHOR_END: json-message

// ANCHOR: length-message
/// The better format: an 8-digit length, then the PNG bytes as they are.
fn length_message(png: &[u8]) -> Result<Vec<u8>> {
    // send_frame writes to anything that can be written to; a Vec collects the bytes.
    let mut message = Vec::with_capacity(png.len() + netlesson::framing::HEADER_LEN);
    send_frame(&mut message, png)?;
    println!(
        "with an 8-digit length in front: {}",
        count(message.len(), "byte")
    );
    Ok(message)
}
// ANCHOR_END: length-message

// ANCHOR: check-answer
/// Checks the server's answer, `saved NAME: SIZE bytes, WxH pixels, crc32 CHECKSUM` or
/// `error: PROBLEM`, against the PNG we sent.
fn check_answer(answer: &str, png: &[u8]) -> Result<()> {
    println!("server: {answer}");
    if let Some(problem) = answer.strip_prefix("error: ") {
        bail!("the server refused the picture: {problem}");
    }
    let size = format!(": {} bytes, ", png.len());
    let checksum = format!(", crc32 {:08x}", crc32(png));
    if !(answer.starts_with("saved ") && answer.contains(&size) && answer.ends_with(&checksum)) {
        bail!(
            "the server's answer does not match what we sent ({} bytes{checksum})",
            png.len()
        );
    }
    println!("the server has the bytes we sent: same size, same crc32");
    Ok(())
}
// ANCHOR_END: check-answer

/// A duration in milliseconds with one decimal: `12.3 ms`.
fn milliseconds(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}
