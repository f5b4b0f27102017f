//! Lesson 6, the server: receives pictures and saves them in a folder.
//!
//! It ports the image part of Tutorial 5: the client sends a PNG picture in base64, inside a
//! JSON object, followed by `##END##`; the server reads up to that marker, parses the JSON,
//! decodes the base64 and saves the picture. It also takes the better format of the lesson's
//! last part, a length header followed by the raw PNG, and tells the two apart by their first
//! byte. After each picture it answers with one line, `saved NAME: ...` or `error: ...`; after
//! an error (a broken message too) it closes the connection.
//!
//! Limits keep one client from filling a lab machine: `--max-bytes` per picture, a number of
//! pixels checked before decoding, and what one connection and the whole folder may hold.
//!
//! Run it with `cargo run --bin image-server`, then `cargo run --bin image-client --
//! --generate 640x480` in a second terminal. The walkthrough is `lessons/06-image-transfer.md`.

use std::fs;
use std::io::{BufRead, BufReader, Cursor, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Parser;
use image::ImageDecoder;
use lesson_image::picture::crc32;
use lesson_image::{
    DEFAULT_MAX_BYTES, DEFAULT_MAX_CONNECTION_BYTES, DEFAULT_MAX_FOLDER_BYTES,
    DEFAULT_MAX_PICTURES, DEFAULT_MAX_PIXELS, DELIMITER, PORT, store,
};
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

    /// The most pictures one connection may send; the next one is refused
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_PICTURES)]
    max_pictures: usize,

    /// The most bytes of pictures one connection may save; a picture that would pass it is
    /// refused
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_CONNECTION_BYTES)]
    max_connection_bytes: u64,

    /// The most bytes the files in --out-dir may take, counting those already there; a
    /// picture that would pass it is refused
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FOLDER_BYTES)]
    max_folder_bytes: u64,

    /// The most pixels (width x height) a picture may have, read from the PNG's header before
    /// any pixel is decoded (decoding takes up to 8 bytes a pixel)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_PIXELS)]
    max_pixels: u64,
}

fn main() -> ExitCode {
    let options = Options::parse();
    netlesson::trace::enable(options.server.trace);
    netlesson::finish(run(&options), None)
}

fn run(options: &Options) -> Result<()> {
    // The folder first: `listening on` must mean "ready", so a server that cannot save
    // anything stops before it announces itself.
    let out_dir = &options.out_dir;
    prepare_folder(out_dir)?;
    let removed = store::remove_partial_files(out_dir)
        .with_context(|| format!("could not clean up the folder {}", out_dir.display()))?;
    let mut folder_bytes = store::folder_bytes(out_dir)
        .with_context(|| format!("could not read the folder {}", out_dir.display()))?;
    let listener = netlesson::listen(options.server.address(options.port)?, BACKLOG)?;
    netlesson::announce(&listener)?;
    log!("saving pictures in {}", out_dir.display());
    if removed > 0 {
        log!(
            "removed {} (.NAME.partial-PID-N) that an earlier run left in {}",
            count(removed, "partial file"),
            out_dir.display()
        );
    }
    netlesson::serve(&listener, &options.server, |client, _address| {
        receive_pictures(client, options, &mut folder_bytes)
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
/// Receives pictures from one client until it closes the connection. Whatever goes wrong, the
/// client gets one line `error: ...` before we close, and the log says the same.
fn receive_pictures(
    client: &mut Traced<TcpStream>,
    options: &Options,
    folder_bytes: &mut u64,
) -> Result<()> {
    // A BufReader keeps what one recv returned beyond the current message for the next one.
    let mut reader = BufReader::with_capacity(READ_SIZE, client);
    let result = save_each_picture(&mut reader, options, folder_bytes);
    if let Err(problem) = &result {
        // The client may be gone already: then nobody reads this, which is fine.
        let idle = Some(netlesson::Limit::idle_timeout(options.server.idle_timeout));
        let line = format!("error: {}\n", netlesson::describe(problem, idle));
        let _ = reader.get_mut().write_all(line.as_bytes());
    }
    result
}

/// What one connection has saved so far, to hold it to its limits.
#[derive(Default)]
struct Saved {
    pictures: usize,
    bytes: u64,
}

fn save_each_picture(
    reader: &mut BufReader<&mut Traced<TcpStream>>,
    options: &Options,
    folder_bytes: &mut u64,
) -> Result<()> {
    let mut saved = Saved::default();
    while let Some(framing) = next_message(reader, saved.pictures)? {
        if saved.pictures == options.max_pictures {
            bail!(
                "sent more than {} on one connection (the limit, --max-pictures)",
                count(options.max_pictures, "picture")
            );
        }
        let started = Instant::now();
        let message = receive(reader, framing, options.max_bytes)?;
        log!(
            "received {} in {}: {}",
            count(message.len() + framing.overhead(), "byte"),
            milliseconds(started),
            framing.describe()
        );
        let picture = unpack(framing, message)?;
        let answer = check_and_save(picture, options, &mut saved, folder_bytes)?;
        // The tutorial's client closes as soon as it has sent the picture and never reads
        // this line; an answer that cannot be delivered is not an error.
        let _ = reader
            .get_mut()
            .write_all(format!("saved {answer}\n").as_bytes());
    }
    if saved.pictures == 0 {
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
/// Checks that the bytes are a PNG picture within the limits, then saves them unchanged.
/// Returns the reply's text: the file name and what the client needs to check that we have
/// its bytes.
fn check_and_save(
    picture: Picture,
    options: &Options,
    saved: &mut Saved,
    folder_bytes: &mut u64,
) -> Result<String> {
    let Picture {
        png,
        name: asked,
        other_info,
    } = picture;
    if png.is_empty() {
        bail!("the picture is empty (0 bytes)");
    }
    check_room(png.len() as u64, options, saved, folder_bytes)?;
    let (width, height) = decode_png(&png, options.max_pixels)?;
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
    let path = store::save_new(out_dir, name.as_deref(), &png)
        .with_context(|| format!("could not save the picture in {}", out_dir.display()))?;
    saved.pictures += 1;
    saved.bytes += png.len() as u64;
    *folder_bytes += png.len() as u64;
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

// ANCHOR: decode-png
/// Decodes every pixel, so that a picture cut short, or bytes that only start like a PNG, are
/// refused; returns the picture's width and height. The size comes first, from the header: a
/// small file can announce a picture that takes gigabytes once decoded.
fn decode_png(png: &[u8], max_pixels: u64) -> Result<(u32, u32)> {
    let not_png = |error| anyhow::anyhow!("the bytes are not a PNG picture: {error}");
    let reader = image::ImageReader::with_format(Cursor::new(png), image::ImageFormat::Png);
    let decoder = reader.into_decoder().map_err(not_png)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > max_pixels {
        bail!(
            "the picture has {width}x{height} pixels, more than the {max_pixels} that \
             --max-pixels allows"
        );
    }
    image::DynamicImage::from_decoder(decoder).map_err(not_png)?;
    Ok((width, height))
}
// ANCHOR_END: decode-png

/// Refuses a picture of `size` bytes that would take this connection, or the folder, past
/// its limit. The folder is counted again before refusing: files may have been deleted.
fn check_room(size: u64, options: &Options, saved: &Saved, folder_bytes: &mut u64) -> Result<()> {
    let limit = options.max_connection_bytes;
    if saved.bytes + size > limit {
        bail!(
            "this picture would take what this connection saved to {} bytes, over the limit of \
             {limit} bytes (--max-connection-bytes)",
            saved.bytes + size
        );
    }
    let (out_dir, limit) = (&options.out_dir, options.max_folder_bytes);
    if *folder_bytes + size > limit {
        *folder_bytes = store::folder_bytes(out_dir)
            .with_context(|| format!("could not read the folder {}", out_dir.display()))?;
    }
    if *folder_bytes + size > limit {
        bail!(
            "this picture would take the files in {} to {} bytes, over the limit of {limit} \
             bytes (--max-folder-bytes): make room there, or raise the limit",
            out_dir.display(),
            *folder_bytes + size
        );
    }
    Ok(())
}

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
