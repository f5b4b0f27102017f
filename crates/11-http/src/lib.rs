//! Lesson 11: the web from sockets. HTTP/1.1, read and written by hand on a TCP connection.
//!
//! HTTP is lesson 5's framing, used by the whole world: a message is a *head* of text lines
//! ended by an empty line, then a *body* whose end the head announces (a length, chunks, or the
//! end of the connection). The two programs share how a head is read; the rest of this library
//! is the server's:
//!
//! - [`timed`]: a connection whose reads must all be done by one deadline, so that a head
//!   sent a byte at a time cannot hold a connection for ever.
//! - [`head`]: reading a head (start line, header lines, the blank line) within a size limit.
//! - [`request`]: what the server makes of a request head (RFC 9112): method, target,
//!   version, keep-alive, body length, and the path the target names.
//! - [`files`]: from that path to a file under `--root`, never outside it; the content type.
//! - [`response`]: status codes and the bytes of a response head.
//!
//! `http-server` (in `src/bin/`) puts them together; `http-get` reads responses with [`head`]
//! and [`timed`]. The walkthrough is `lessons/11-http.md`.

pub mod files;
pub mod head;
pub mod request;
pub mod response;
pub mod timed;
