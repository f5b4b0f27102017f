//! Properties of the framing helpers, checked on many generated cases (proptest).
//!
//! TCP may cut a byte stream anywhere: the same frames can arrive in one read or one byte per
//! read. So for any list of frames and any way of cutting their bytes into reads, the decoders
//! must give back exactly those frames; a stream cut short inside a frame must be an error
//! (never a shorter frame, never a clean end); and bytes from a hostile peer must never make
//! them panic, return more than the limit, or read further than the limit allows.

use std::io::{self, BufRead, BufReader, Cursor, Read};

use netlesson::framing::{
    FrameError, HEADER_LEN, read_frame, read_line, read_string, read_until_delimiter, send_frame,
    send_string,
};
use proptest::prelude::*;

/// A reader that hands out the stream in reads of the given sizes (repeated in turn), the way a
/// network delivers it: sometimes a byte at a time, sometimes several frames at once.
struct Chunked {
    data: Vec<u8>,
    position: usize,
    sizes: Vec<usize>,
    next: usize,
}

impl Chunked {
    fn new(data: Vec<u8>, sizes: &[usize]) -> Chunked {
        Chunked {
            data,
            position: 0,
            sizes: sizes.to_vec(),
            next: 0,
        }
    }
}

impl Read for Chunked {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let size = self.sizes[self.next % self.sizes.len()];
        self.next += 1;
        let count = size.min(buffer.len()).min(self.data.len() - self.position);
        buffer[..count].copy_from_slice(&self.data[self.position..self.position + count]);
        self.position += count;
        Ok(count)
    }
}

const DELIMITER: &[u8] = b"##END##";

/// Ways of cutting a stream into reads: one byte each, or a mix of small sizes.
fn chunk_sizes() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        Just(vec![1]),
        prop::collection::vec(1usize..=16, 1..8),
        Just(vec![4096]),
    ]
}

fn frames() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 0..6)
}

/// Messages for delimiter framing, made mostly of the delimiter's own characters, so that
/// partial delimiters (`##EN`, `#`) appear inside messages and across reads. A message must
/// not contain the delimiter, nor end with the start of one (`abc##END#` followed by the
/// delimiter reads as `abc` plus `#`): its first delimiter must be the one sent after it.
fn delimited_frames() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let byte = prop::sample::select(b"#ENDx\n".to_vec());
    let frame = prop::collection::vec(byte, 0..30).prop_filter("contains the delimiter", |frame| {
        let mut sent = frame.clone();
        sent.extend_from_slice(DELIMITER);
        find(&sent, DELIMITER) == Some(frame.len())
    });
    prop::collection::vec(frame, 0..6)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn length_prefixed(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut wire = Vec::new();
    for frame in frames {
        send_frame(&mut wire, frame).expect("a small frame can be sent");
    }
    wire
}

fn delimited(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut wire = Vec::new();
    for frame in frames {
        wire.extend_from_slice(frame);
        wire.extend_from_slice(DELIMITER);
    }
    wire
}

/// Bytes consumed from a `BufReader` over a cursor: what the cursor gave it, minus what it
/// still holds.
fn consumed(reader: &BufReader<Cursor<Vec<u8>>>) -> usize {
    reader.get_ref().position() as usize - reader.buffer().len()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn length_prefixed_frames_come_back_exactly_however_the_stream_is_cut(
        frames in frames(),
        sizes in chunk_sizes(),
    ) {
        let mut reader = Chunked::new(length_prefixed(&frames), &sizes);
        for frame in &frames {
            prop_assert_eq!(read_frame(&mut reader, 40).expect("a whole frame"), Some(frame.clone()));
        }
        prop_assert_eq!(read_frame(&mut reader, 40).expect("a clean end"), None);
    }

    #[test]
    fn strings_come_back_exactly_however_the_stream_is_cut(
        texts in prop::collection::vec(any::<String>(), 0..5),
        sizes in chunk_sizes(),
    ) {
        let mut wire = Vec::new();
        for text in &texts {
            send_string(&mut wire, text).expect("a small string can be sent");
        }
        let mut reader = Chunked::new(wire, &sizes);
        for text in &texts {
            prop_assert_eq!(read_string(&mut reader, 1024).expect("a whole string"), Some(text.clone()));
        }
        prop_assert_eq!(read_string(&mut reader, 1024).expect("a clean end"), None);
    }

    #[test]
    fn delimited_frames_come_back_exactly_however_the_stream_is_cut(
        frames in delimited_frames(),
        sizes in chunk_sizes(),
        capacity in 1usize..=16,
    ) {
        let chunked = Chunked::new(delimited(&frames), &sizes);
        let mut reader = BufReader::with_capacity(capacity, chunked);
        for frame in &frames {
            let read = read_until_delimiter(&mut reader, DELIMITER, 30).expect("a whole frame");
            prop_assert_eq!(read, Some(frame.clone()));
        }
        prop_assert_eq!(read_until_delimiter(&mut reader, DELIMITER, 30).expect("end"), None);
    }

    #[test]
    fn lines_come_back_exactly_however_the_stream_is_cut(
        lines in prop::collection::vec("[a-z é\r]{0,12}[a-z é]|", 0..6),
        crlf in any::<bool>(),
        sizes in chunk_sizes(),
    ) {
        let ending = if crlf { "\r\n" } else { "\n" };
        let wire: String = lines.iter().map(|line| format!("{line}{ending}")).collect();
        let chunked = Chunked::new(wire.into_bytes(), &sizes);
        let mut reader = BufReader::with_capacity(3, chunked);
        for line in &lines {
            prop_assert_eq!(read_line(&mut reader, 40).expect("a whole line"), Some(line.clone()));
        }
        prop_assert_eq!(read_line(&mut reader, 40).expect("end"), None);
    }

    #[test]
    fn a_stream_cut_inside_a_length_prefixed_frame_is_truncated(
        frames in frames().prop_filter("at least one frame", |frames| !frames.is_empty()),
        cut in any::<prop::sample::Index>(),
        sizes in chunk_sizes(),
    ) {
        let wire = length_prefixed(&frames);
        let cut = cut.index(wire.len());
        let mut reader = Chunked::new(wire[..cut].to_vec(), &sizes);
        // The frames that end before the cut come back whole.
        let (mut start, mut index) = (0, 0);
        while index < frames.len() && start + HEADER_LEN + frames[index].len() <= cut {
            prop_assert_eq!(read_frame(&mut reader, 40).expect("a whole frame"), Some(frames[index].clone()));
            start += HEADER_LEN + frames[index].len();
            index += 1;
        }
        let result = read_frame(&mut reader, 40);
        if cut == start {
            // Cut between two frames: a clean end.
            prop_assert!(matches!(result, Ok(None)), "{:?}", result);
        } else {
            // Cut inside frame `index`: in its header, or in its body.
            let expected = match cut - start < HEADER_LEN {
                true => (HEADER_LEN, start + HEADER_LEN - cut),
                false => (frames[index].len(), start + HEADER_LEN + frames[index].len() - cut),
            };
            match result {
                Err(FrameError::Truncated { expected: size, missing }) => {
                    prop_assert_eq!((size, missing), expected);
                }
                other => prop_assert!(false, "expected Truncated, got {:?}", other),
            }
        }
    }

    #[test]
    fn a_stream_cut_before_a_delimiter_is_missing_it(
        frames in delimited_frames().prop_filter("at least one frame", |frames| !frames.is_empty()),
        cut in any::<prop::sample::Index>(),
        sizes in chunk_sizes(),
    ) {
        let wire = delimited(&frames);
        let cut = cut.index(wire.len());
        let mut reader = BufReader::with_capacity(5, Chunked::new(wire[..cut].to_vec(), &sizes));
        let mut start = 0;
        for frame in &frames {
            let end = start + frame.len() + DELIMITER.len();
            if end > cut {
                break;
            }
            let read = read_until_delimiter(&mut reader, DELIMITER, 30).expect("a whole frame");
            prop_assert_eq!(read, Some(frame.clone()));
            start = end;
        }
        let result = read_until_delimiter(&mut reader, DELIMITER, 30);
        if cut == start {
            prop_assert!(matches!(result, Ok(None)), "{:?}", result);
        } else {
            match result {
                Err(FrameError::MissingDelimiter { received, .. }) => {
                    prop_assert_eq!(received, cut - start);
                }
                other => prop_assert!(false, "expected MissingDelimiter, got {:?}", other),
            }
        }
    }

    #[test]
    fn hostile_bytes_never_panic_nor_pass_the_length_limit(
        wire in prop::collection::vec(
            prop_oneof![3 => b'0'..=b'9', 1 => any::<u8>()],
            0..200,
        ),
        limit in 0usize..32,
        sizes in chunk_sizes(),
    ) {
        let mut reader = Chunked::new(wire.clone(), &sizes);
        loop {
            let before = reader.position;
            let result = read_frame(&mut reader, limit);
            let read = reader.position - before;
            // Never further than one header and `limit` bytes of body.
            prop_assert!(read <= HEADER_LEN + limit, "read {} bytes with limit {}", read, limit);
            match result {
                Ok(Some(frame)) => prop_assert!(frame.len() <= limit),
                Ok(None) => break,
                // Refused on the header alone: not one byte of the body was read.
                Err(FrameError::TooLarge { size, .. }) => {
                    prop_assert!(size > limit);
                    prop_assert_eq!(read, HEADER_LEN);
                    break;
                }
                Err(FrameError::BadHeader { .. } | FrameError::Truncated { .. }) => break,
                Err(other) => prop_assert!(false, "unexpected error {:?}", other),
            }
        }
    }

    #[test]
    fn hostile_bytes_never_panic_nor_pass_the_delimiter_limit(
        wire in prop::collection::vec(
            prop_oneof![3 => prop::sample::select(b"#END".to_vec()), 1 => any::<u8>()],
            0..200,
        ),
        limit in 0usize..32,
        capacity in 1usize..=16,
    ) {
        let mut reader = BufReader::with_capacity(capacity, Cursor::new(wire));
        loop {
            let before = consumed(&reader);
            let result = read_until_delimiter(&mut reader, DELIMITER, limit);
            let taken = consumed(&reader) - before;
            // Never more than the limit plus one delimiter out of the stream.
            prop_assert!(taken <= limit + DELIMITER.len(), "took {} bytes with limit {}", taken, limit);
            match result {
                Ok(Some(message)) => prop_assert!(message.len() <= limit),
                Ok(None) => break,
                Err(FrameError::NoDelimiter { .. } | FrameError::MissingDelimiter { .. }) => break,
                Err(other) => prop_assert!(false, "unexpected error {:?}", other),
            }
        }
    }
}

#[test]
fn a_huge_announced_size_is_refused_after_reading_the_header_alone() {
    // 99999999 announced, then endless bytes: refused before a single byte of the body.
    let mut endless = Cursor::new(b"99999999999".to_vec()).chain(io::repeat(b'x'));
    let error = read_frame(&mut endless, 1000).expect_err("too large");
    assert_eq!(
        error.to_string(),
        "a message of 99999999 bytes is over the limit of 1000 bytes (--max-bytes)"
    );
    let mut rest = [0u8; 3];
    endless
        .read_exact(&mut rest)
        .expect("the rest is still there");
    assert_eq!(&rest, b"999", "only the 8 header bytes were read");
}

#[test]
fn endless_bytes_without_a_delimiter_are_read_only_up_to_the_limit() {
    let mut endless = BufReader::with_capacity(64, io::repeat(b'x').take(1_000_000));
    let error = read_until_delimiter(&mut endless, DELIMITER, 1000).expect_err("limit");
    assert!(matches!(error, FrameError::NoDelimiter { limit: 1000, .. }));
    // What was taken out of the reader: at most the limit and a delimiter's length.
    let left = endless.buffer().len() as u64 + endless.get_ref().limit();
    assert!(1_000_000 - left <= 1000 + DELIMITER.len() as u64, "{left}");
}

#[test]
fn a_big_frame_arrives_whole_and_a_cut_one_counts_what_is_missing_from_all_of_it() {
    // Bigger than one 64 KiB piece of read_frame's buffer, read a few kilobytes at a time.
    let message: Vec<u8> = (0..200_000u32).map(|n| (n % 251) as u8).collect();
    let wire = length_prefixed(std::slice::from_ref(&message));
    let mut reader = Chunked::new(wire.clone(), &[3000, 70_000, 1]);
    assert_eq!(
        read_frame(&mut reader, 200_000).expect("whole"),
        Some(message)
    );
    let mut cut = Chunked::new(wire[..HEADER_LEN + 150_000].to_vec(), &[5000]);
    let error = read_frame(&mut cut, 200_000).expect_err("cut");
    assert_eq!(
        error.to_string(),
        "the connection closed in the middle of a message: 50000 of 200000 bytes never arrived"
    );
}

#[test]
fn a_header_cut_short_says_how_many_of_its_8_bytes_are_missing() {
    let error = read_frame(&mut Chunked::new(b"000".to_vec(), &[1]), 10).expect_err("cut");
    assert_eq!(
        error.to_string(),
        "the connection closed in the middle of a message: 5 of 8 bytes never arrived"
    );
}

#[test]
fn a_reader_that_fills_its_buffer_at_once_still_leaves_the_next_frame_alone() {
    // Two delimited frames arrive in one read: the first call must leave the second in the
    // buffer, and the second call must find it without reading again.
    let mut reader = BufReader::new(Cursor::new(b"ab##END##cd##END##".to_vec()));
    assert_eq!(
        read_until_delimiter(&mut reader, DELIMITER, 10).expect("first"),
        Some(b"ab".to_vec())
    );
    assert_eq!(reader.buffer(), b"cd##END##");
    assert_eq!(
        read_until_delimiter(&mut reader, DELIMITER, 10).expect("second"),
        Some(b"cd".to_vec())
    );
    assert!(reader.fill_buf().expect("end").is_empty());
}
