//! Lesson 6, the server: receives pictures and saves them in a folder.
//!
//! It ports the image part of Tutorial 5: the client sends a PNG picture in base64, inside a
//! JSON object, followed by `##END##`; the server reads up to that marker, parses the JSON,
//! decodes the base64 and saves the picture. It also takes the better format of the lesson's
//! last part, a length header followed by the raw PNG, and tells the two apart by their first
//! byte. After each picture it answers with one line, `saved NAME: ...` or `error: ...`.
//!
//! Run it with `cargo run --bin image-server`, then `cargo run --bin image-client --
//! --generate 640x480` in a second terminal. The walkthrough is `lessons/06-image-transfer.md`.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Parser;
use lesson_image::picture::crc32;
use lesson_image::{DEFAULT_MAX_BYTES, DELIMITER, PORT, store};
use netlesson::framing::{HEADER_LEN, read_frame, read_until_delimiter};
use netlesson::show::{count, show_bytes};
use netlesson::{ServerOptions, Traced, log};
use serde::Deserialize;

/// How many connections may wait while we serve one client, like the tutorial's `listen(1)`.
const BACKLOG: i32 = 1;

/// How many bytes we ask the operating system for at a time. The tutorial's `recv(1024)`
/// works too, but a picture is megabytes: bigger reads mean fewer system calls.
const READ_SIZE: usize = 64 * 1024;

/// Lesson 6's server: receives pictures (base64 in JSON up to ##END##, or PNG behind an
/// 8-digit length) and saves each one in --out-dir.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// Port to listen on; 0 lets the operating system pick a free one
    #[arg(long, default_value_t = PORT)]
    port: u16,

    #[command(flatten)]
    server: ServerOptions,

    /// The largest message, in bytes, accepted from the other side; anything bigger is refused
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: usize,

    /// Folder to save the pictures in (created if missing); a name sent by a client never
    /// leads outside it
    #[arg(long, value_name = "DIR", default_value = "received")]
    out_dir: PathBuf,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

fn run(options: &Options) -> Result<()> {
    // The folder first: `listening on` must mean "ready", so a server that cannot save
    // anything stops before it announces itself.
    prepare_folder(&options.out_dir)?;
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    netlesson::announce(&listener)?;
    log!("saving pictures in {}", options.out_dir.display());
    netlesson::serve(&listener, &options.server, |client, _address| {
        receive_pictures(client, options)
    })?;
    Ok(())
}

/// Creates the folder for the pictures if it is missing, and checks that it is a folder.
fn prepare_folder(folder: &Path) -> Result<()> {
    if folder.exists() && !folder.is_dir() {
        bail!(
            "--out-dir {} is a file, not a folder (choose another with --out-dir)",
            folder.display()
        );
    }
    fs::create_dir_all(folder).with_context(|| {
        format!(
            "could not create the folder {} (choose another with --out-dir)",
            folder.display()
        )
    })
}

// ANCHOR: connection
/// Receives pictures from one client until it closes the connection.
fn receive_pictures(client: &mut Traced<TcpStream>, options: &Options) -> Result<()> {
    // A BufReader keeps what one recv returned beyond the current message for the next one.
    let mut reader = BufReader::with_capacity(READ_SIZE, client);
    let mut pictures = 0;
    while let Some(framing) = next_message(&mut reader, pictures)? {
        let started = Instant::now();
        let message = receive(&mut reader, framing, options.max_bytes)?;
        log!(
            "received {} in {}: {}",
            count(message.len() + framing.overhead(), "byte"),
            milliseconds(started),
            framing.describe()
        );
        match unpack(framing, message).and_then(|picture| check_and_save(picture, options)) {
            Ok(saved) => {
                // The tutorial's client closes as soon as it has sent the picture and never
                // reads this line; an answer that cannot be delivered is not an error.
                let _ = reader
                    .get_mut()
                    .write_all(format!("saved {saved}\n").as_bytes());
            }
            Err(problem) => {
                // Tell the client what was wrong, then report it as this client's problem.
                let _ = reader
                    .get_mut()
                    .write_all(format!("error: {problem:#}\n").as_bytes());
                return Err(problem);
            }
        }
        pictures += 1;
    }
    if pictures == 0 {
        bail!("closed the connection without sending a picture");
    }
    Ok(())
}
// ANCHOR_END: connection

/// The two wire formats the server understands.
#[derive(Debug, Clone, Copy)]
enum Framing {
    /// The tutorial's: JSON text with the picture in base64, then `##END##`.
    Delimiter,
    /// An 8-digit length, then that many bytes of PNG.
    Length,
}

impl Framing {
    fn describe(self) -> &'static str {
        match self {
            Framing::Delimiter => "JSON up to ##END##",
            Framing::Length => "8-digit length, then the PNG",
        }
    }

    /// The bytes on the wire besides the message itself: the delimiter, or the header.
    fn overhead(self) -> usize {
        match self {
            Framing::Delimiter => DELIMITER.len(),
            Framing::Length => HEADER_LEN,
        }
    }
}

// ANCHOR: detect
/// Waits for the next message and tells from its first byte which format it is in, without
/// taking that byte: a JSON object starts with `{`, a length header with a digit.
/// `None` when the client has closed the connection.
fn next_message(reader: &mut impl BufRead, pictures: usize) -> Result<Option<Framing>> {
    let first = match reader.fill_buf() {
        Ok(bytes) => bytes.first().copied(),
        // Our answer to a client that closed without reading it (like the tutorial's) can
        // come back as a reset: after a whole picture, that is a goodbye, not an error.
        Err(error) if pictures > 0 && is_reset(&error) => None,
        Err(error) => return Err(error).context("could not receive"),
    };
    match first {
        None => Ok(None),
        Some(b'{') => Ok(Some(Framing::Delimiter)),
        Some(b'0'..=b'9') => Ok(Some(Framing::Length)),
        Some(other) => bail!(
            "sent {} first, but a picture starts with {{ (JSON) or a digit (an 8-digit length)",
            show_bytes(&[other])
        ),
    }
}
// ANCHOR_END: detect

fn is_reset(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset};
    matches!(
        error.kind(),
        ConnectionReset | ConnectionAborted | BrokenPipe
    )
}

// ANCHOR: receive
/// Reads one whole message: the bytes before `##END##`, or the bytes an 8-digit length
/// announces. Both helpers stop at `limit` bytes (`--max-bytes`).
fn receive(reader: &mut impl BufRead, framing: Framing, limit: usize) -> Result<Vec<u8>> {
    let message = match framing {
        // Searches only the bytes that just arrived for ##END## (the tutorial searches all
        // it has received so far, again after every recv).
        Framing::Delimiter => read_until_delimiter(reader, DELIMITER, limit),
        // Reads the 8 digits, refuses a size over the limit, then reads that many bytes.
        Framing::Length => read_frame(reader, limit),
    };
    // Both return `None` for a connection closed before the first byte; next_message has
    // seen that byte, so `None` cannot happen here.
    message
        .context("could not receive the picture")?
        .context("the client closed the connection")
}
// ANCHOR_END: receive

/// A picture taken out of its message, before any checks.
struct Picture {
    /// The bytes that should be a PNG file.
    png: Vec<u8>,
    /// The file name the client suggested, if any.
    name: Option<String>,
    /// The message's `other_info`, if any.
    other_info: Option<serde_json::Value>,
}

// ANCHOR: message
/// The JSON object the tutorial's client sends. Only `image` is required; `name` is ours.
#[derive(Deserialize)]
struct Message {
    image: String,
    #[serde(default)]
    other_info: Option<serde_json::Value>,
    #[serde(default)]
    name: Option<String>,
}
// ANCHOR_END: message

// ANCHOR: unpack
/// Takes the picture out of a message: for the tutorial's format, parse the JSON and decode
/// the base64; a length-prefixed message is the PNG itself.
fn unpack(framing: Framing, message: Vec<u8>) -> Result<Picture> {
    match framing {
        Framing::Length => Ok(Picture {
            png: message,
            name: None,
            other_info: None,
        }),
        Framing::Delimiter => {
            let json: Message =
                serde_json::from_slice(&message).map_err(|error| explain_json(&error))?;
            let png = STANDARD
                .decode(&json.image)
                .context("the \"image\" field is not base64")?;
            Ok(Picture {
                png,
                name: json.name,
                other_info: json.other_info,
            })
        }
    }
}
// ANCHOR_END: unpack

// ANCHOR: explain-json
/// Says what is wrong with the text before `##END##`. When it stops in the middle of the
/// object, the likeliest cause is a `##END##` inside a string of the JSON.
fn explain_json(error: &serde_json::Error) -> anyhow::Error {
    if error.is_eof() {
        anyhow::anyhow!(
            "the text before ##END## is not a complete JSON object ({error}): \
             was there an ##END## inside a string? (write # in strings as \\u0023)"
        )
    } else {
        anyhow::anyhow!("the text before ##END## is not the expected JSON object: {error}")
    }
}
// ANCHOR_END: explain-json

// ANCHOR: check-and-save
/// Checks that the bytes are a PNG picture, then saves them unchanged. Returns the reply's
/// text: the file name and what the client needs to check that we have its bytes.
fn check_and_save(picture: Picture, options: &Options) -> Result<String> {
    let Picture {
        png,
        name: asked,
        other_info,
    } = picture;
    if png.is_empty() {
        bail!("the picture is empty (0 bytes)");
    }
    // Decode every pixel: a picture cut short, or bytes that only start like a PNG, fail here.
    let decoded = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .map_err(|error| anyhow::anyhow!("the bytes are not a PNG picture: {error}"))?;
    let (width, height) = (decoded.width(), decoded.height());
    let checksum = crc32(&png);
    let mut about = format!(
        "a PNG picture of {width}x{height} pixels, {} bytes, crc32 {checksum:08x}",
        png.len()
    );
    if let Some(info) = &other_info {
        about.push_str(&format!(", other_info {}", show_json(info)));
    }
    log!("{about}");

    let out_dir = &options.out_dir;
    let name = store::safe_name(asked.as_deref());
    let path = store::save_new(out_dir, &name, &png)
        .with_context(|| format!("could not save the picture in {}", out_dir.display()))?;
    match &asked {
        Some(asked) if !path.ends_with(asked) => {
            log!("saved {} (the client asked for {asked:?})", path.display());
        }
        _ => log!("saved {}", path.display()),
    }
    let file_name = path.file_name().unwrap_or_default().to_string_lossy();
    Ok(format!(
        "{file_name}: {} bytes, {width}x{height} pixels, crc32 {checksum:08x}",
        png.len()
    ))
}
// ANCHOR_END: check-and-save

/// A JSON value as compact text, cut after 60 characters.
fn show_json(value: &serde_json::Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{} ... ({} more bytes)", &text[..cut], text.len() - cut),
        None => text,
    }
}

/// The time since `start`, in milliseconds with one decimal: `12.3 ms`.
fn milliseconds(start: Instant) -> String {
    format!("{:.1} ms", start.elapsed().as_secs_f64() * 1000.0)
}
