//! Lesson 5's strings, with tokio: an 8-digit length, then the body. What `netlesson`'s
//! `read_frame` and `send_string` do on a `std` socket, these do on a tokio one, with `.await`
//! (for kv-server-async). Same limits, same errors, so the same lines about bad clients.

use netlesson::framing::{FrameError, HEADER_LEN};
use netlesson::show::show_bytes;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The next message of `reader`: `None` if the peer closed the connection before its first
/// byte. A header that is not 8 ASCII digits, or that announces more than `limit` bytes, is
/// refused before any of the body is read.
pub async fn read_frame(
    reader: &mut (impl AsyncRead + Unpin),
    limit: usize,
) -> Result<Option<Vec<u8>>, FrameError> {
    let mut header = [0u8; HEADER_LEN];
    let first = reader.read(&mut header).await?;
    if first == 0 {
        return Ok(None);
    }
    read_all(reader, &mut header[first..])
        .await
        .map_err(|error| match error {
            FrameError::Truncated { missing, .. } => FrameError::Truncated {
                expected: HEADER_LEN,
                missing,
            },
            other => other,
        })?;
    if !header.iter().all(u8::is_ascii_digit) {
        return Err(FrameError::BadHeader {
            header: show_bytes(&header),
        });
    }
    let size = header
        .iter()
        .fold(0usize, |size, digit| size * 10 + usize::from(digit - b'0'));
    if size > limit {
        return Err(FrameError::TooLarge { size, limit });
    }
    let mut body = vec![0u8; size];
    read_all(reader, &mut body)
        .await
        .map_err(|error| match error {
            FrameError::Truncated { missing, .. } => FrameError::Truncated {
                expected: size,
                missing,
            },
            other => other,
        })?;
    Ok(Some(body))
}

/// Sends `text` as one message: its length in 8 digits, then its bytes, in one write.
pub async fn send_string(
    writer: &mut (impl AsyncWrite + Unpin),
    text: &str,
) -> Result<(), FrameError> {
    let message = format!("{:08}{text}", text.len());
    writer.write_all(message.as_bytes()).await?;
    Ok(())
}

/// Fills `buffer`, or says how much never arrived.
async fn read_all(
    reader: &mut (impl AsyncRead + Unpin),
    buffer: &mut [u8],
) -> Result<(), FrameError> {
    let mut received = 0;
    while received < buffer.len() {
        match reader.read(&mut buffer[received..]).await? {
            0 => {
                return Err(FrameError::Truncated {
                    expected: buffer.len(),
                    missing: buffer.len() - received,
                });
            }
            count => received += count,
        }
    }
    Ok(())
}
