//! A known-bad kv-server, kept to prove that `cargo exercise check kv-server` catches its
//! mistake: it sends each reply as bare text, where every reply is one of lesson 5's strings,
//! its length first.
//!
//! mistake: sends replies without their length header
//! caught by: set-and-get
//!
//! It is the reference solution, `kv-server/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         send_string(client, &reply).context("could not send the reply")?;
//!     }
//! with:
//!         // The mistake: a reply is a string like a request: 8 digits of length, then the text.
//!         client
//!             .write_all(reply.as_bytes())
//!             .context("could not send the reply")?;
//!     }
//! replace:
//! use std::net::TcpStream;
//! with:
//! use std::io::Write;
//! use std::net::TcpStream;
//! ```
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
