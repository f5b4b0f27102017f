//! Lesson 6: sending a picture over TCP. The pieces `image-server` and `image-client` share.
//!
//! The two programs are in `src/bin/`; they read top to bottom like the tutorial they port.
//! What is not about sockets lives here:
//!
//! - [`picture`]: test pictures drawn in memory (so the lesson needs no image files), PNG
//!   encoding, and the CRC-32 checksum both sides print to show that the bytes match.
//! - [`store`]: saving a received picture safely: a file name from the client can never leave
//!   the output folder, an existing file is never replaced, no client can use up the names,
//!   and a half-written file never has the final name.
//!
//! The walkthrough is `lessons/06-image-transfer.md`.

pub mod picture;
pub mod store;

/// The port of Tutorial 5's image example, and so of `image-server` and `image-client`.
pub const PORT: u16 = 50000;

/// The marker that ends a picture sent as JSON, as in the tutorial.
///
/// It never occurs in base64 (whose alphabet is letters, digits, `+`, `/` and `=`), and
/// `image-client` writes every `#` inside a JSON string as `\u0023`, so it never occurs
/// anywhere in the JSON either.
pub const DELIMITER: &[u8] = b"##END##";

/// The default `--max-bytes` of `image-server`: 64 MiB, room for a 48 MB picture in base64.
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;

/// The default `--max-pictures` of `image-server`: how many pictures one connection may send.
pub const DEFAULT_MAX_PICTURES: usize = 100;

/// The default `--max-connection-bytes` of `image-server`: 256 MiB of pictures saved by one
/// connection.
pub const DEFAULT_MAX_CONNECTION_BYTES: u64 = 256 * 1024 * 1024;

/// The default `--max-folder-bytes` of `image-server`: 1 GiB in `--out-dir`, a fair share of a
/// lab machine's disk.
pub const DEFAULT_MAX_FOLDER_BYTES: u64 = 1024 * 1024 * 1024;

/// The default `--max-pixels` of `image-server`: 25 million, e.g. 5000x5000. Decoding takes up
/// to 8 bytes a pixel (16-bit RGBA), so at most 200 MB.
pub const DEFAULT_MAX_PIXELS: u64 = 25_000_000;
