//! Test pictures drawn in memory, PNG encoding, and the CRC-32 checksum.
//!
//! `image-client --generate 64x48` draws a picture instead of reading a file, so the lesson
//! needs no image files. Every picture is the same on every run (the "random" one comes from
//! a generator with a fixed seed), so the demo's output never changes.

use std::fmt;
use std::io::Cursor;
use std::str::FromStr;

use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};

/// The largest width or height `--generate` accepts.
pub const MAX_SIDE: u32 = 8192;

/// The size of a picture in pixels, written `WIDTHxHEIGHT` on the command line.
///
/// ```
/// use lesson_image::picture::Size;
///
/// let size: Size = "640x480".parse()?;
/// assert_eq!((size.width, size.height), (640, 480));
/// assert_eq!(size.to_string(), "640x480");
/// assert!("640".parse::<Size>().is_err());
/// assert!("0x10".parse::<Size>().is_err());
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Pixels across.
    pub width: u32,
    /// Pixels down.
    pub height: u32,
}

impl FromStr for Size {
    type Err = String;

    fn from_str(text: &str) -> Result<Size, String> {
        let wrong = || format!("`{text}` is not a size like 640x480");
        let (width, height) = text.split_once(['x', 'X']).ok_or_else(wrong)?;
        let side = |number: &str| -> Result<u32, String> {
            match number.trim().parse::<u32>() {
                Ok(side @ 1..=MAX_SIDE) => Ok(side),
                Ok(_) => Err(format!(
                    "`{text}`: each side must be from 1 to {MAX_SIDE} pixels"
                )),
                Err(_) => Err(wrong()),
            }
        };
        Ok(Size {
            width: side(width)?,
            height: side(height)?,
        })
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// Which test picture to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Colour gradients with a checkerboard: pleasant to look at, and PNG compresses it well.
    Gradient,
    /// Pixels of random bytes (the same on every run): PNG cannot compress them, so the file
    /// is about 4 bytes per pixel. The benchmark uses it to make pictures of a known size.
    Noise,
}

impl Pattern {
    /// The pattern in a few words, for people: `gradient`, `noise`.
    pub fn describe(self) -> &'static str {
        match self {
            Pattern::Gradient => "gradient",
            Pattern::Noise => "noise",
        }
    }
}

/// Draws a test picture: the same pixels for the same size and pattern, on every run.
///
/// ```
/// use lesson_image::picture::{generate, Pattern, Size};
///
/// let size = Size { width: 4, height: 3 };
/// let picture = generate(size, Pattern::Gradient);
/// assert_eq!((picture.width(), picture.height()), (4, 3));
/// assert_eq!(picture, generate(size, Pattern::Gradient), "the same every time");
/// ```
pub fn generate(size: Size, pattern: Pattern) -> DynamicImage {
    match pattern {
        Pattern::Gradient => DynamicImage::ImageRgb8(gradient(size)),
        Pattern::Noise => DynamicImage::ImageRgba8(noise(size)),
    }
}

fn gradient(Size { width, height }: Size) -> RgbImage {
    let scale = |value: u32, full: u32| (value * 255 / full.saturating_sub(1).max(1)) as u8;
    RgbImage::from_fn(width, height, |x, y| {
        let square = (x / 8 + y / 8) % 2 == 0;
        image::Rgb([
            scale(x, width),
            scale(y, height),
            if square { 200 } else { 60 },
        ])
    })
}

fn noise(Size { width, height }: Size) -> RgbaImage {
    // xorshift64*: a tiny, fast pseudo-random generator. The fixed seed makes every run the same.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ (u64::from(width) << 32 | u64::from(height));
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut pixels = vec![0u8; width as usize * height as usize * 4];
    for chunk in pixels.chunks_mut(8) {
        let random = next().to_le_bytes();
        chunk.copy_from_slice(&random[..chunk.len()]);
    }
    // The buffer has exactly width * height * 4 bytes, so this always succeeds.
    RgbaImage::from_raw(width, height, pixels).unwrap_or_default()
}

/// Encodes `picture` as a PNG file, in memory: what the tutorial's `img.save(buffered,
/// format="PNG")` does.
///
/// ```
/// use lesson_image::picture::{encode_png, generate, Pattern, Size};
///
/// let png = encode_png(&generate(Size { width: 8, height: 8 }, Pattern::Gradient))?;
/// assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "every PNG file starts with these 8 bytes");
/// # Ok::<(), image::ImageError>(())
/// ```
pub fn encode_png(picture: &DynamicImage) -> Result<Vec<u8>, image::ImageError> {
    let mut png = Cursor::new(Vec::new());
    picture.write_to(&mut png, ImageFormat::Png)?;
    Ok(png.into_inner())
}

/// The CRC-32 checksum of `bytes`: the same number as Python's `zlib.crc32(bytes)`.
///
/// Both programs print it. Equal checksums on both sides mean, with near certainty, that the
/// server has exactly the bytes the client sent. (A checksum catches accidents, not forgeries.)
///
/// ```
/// assert_eq!(lesson_image::picture::crc32(b"hello"), 0x3610a686);
/// ```
pub fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}
