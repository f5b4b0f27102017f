//! Lesson 1's first client: Tutorial 5's Python client, call for call, with nothing but std.
//!
//! Start `cargo run --example bare-server` first, then `cargo run --example bare-client` (or
//! `-- PORT` for another port). As in `bare-server.rs`, `expect` stops the program at the first
//! error; `simple-client.rs` says instead what went wrong (lessons/01-simple-server.md).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

fn main() {
    // The tutorial's port, or the first argument (`cargo run --example bare-client -- 50001`).
    let port: u16 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().expect("the port must be a number"),
        None => 50000,
    };
    // ANCHOR: connect
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let timeout = Duration::from_secs(5);
    // socket(), settimeout(5), connect(("localhost", 50000)): one call, which gives up after 5 s.
    let mut server = TcpStream::connect_timeout(&address, timeout).expect("could not connect");
    // Python's timeout also covers recv; std sets it apart.
    server.set_read_timeout(Some(timeout)).expect("no timeout");
    println!("Connected to server");
    // ANCHOR_END: connect

    // ANCHOR: exchange
    // send("Hello Server!".encode("utf-8")), as sendall: every byte goes out.
    let message = "Hello Server!".as_bytes();
    server.write_all(message).expect("send failed");
    // recv(1024): the reply, or what has arrived of it so far, at most 1024 bytes.
    let mut buffer = [0u8; 1024];
    let received = server.read(&mut buffer).expect("no reply");
    let reply = std::str::from_utf8(&buffer[..received]).expect("the reply is not UTF-8 text");
    println!("Received {reply}");
    // ANCHOR_END: exchange
} // close(): `server` goes out of scope here, which closes the socket.
