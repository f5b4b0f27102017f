//! Lesson 1's first listing: Tutorial 5's Python server, call for call, with nothing but std.
//!
//! `cargo run --example bare-server` serves on 127.0.0.1:50000; `-- 0` lets the OS pick a port.
//! Every call ends in `expect`, which stops the whole program at the first error: fine for a
//! first listing, and exactly what `simple-server.rs` fixes (lessons/01-simple-server.md).

use std::io::{Read, Write};
use std::net::TcpListener;

fn main() {
    // The tutorial's port, or the first argument (`cargo run --example bare-server -- 0`).
    let port: u16 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().expect("the port must be a number"),
        None => 50000,
    };
    // ANCHOR: listen
    // socket(), bind(("localhost", port)), listen(): std's `bind` makes all three calls.
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("could not listen");
    println!(
        "listening on {}",
        listener.local_addr().expect("no address")
    );
    // ANCHOR_END: listen

    // ANCHOR: loop
    loop {
        // accept(): wait for a client; get a new socket for it, and its address.
        let (mut client, address) = listener.accept().expect("accept failed");
        println!("accepted connection from {address}");

        // recv(1024): the bytes that have arrived so far, at most 1024 of them.
        let mut buffer = [0u8; 1024];
        let received = client.read(&mut buffer).expect("recv failed");
        let data = &buffer[..received];
        // data.decode("utf-8"): like Python, this fails on bytes that are not UTF-8 text.
        let text = std::str::from_utf8(data).expect("the data is not UTF-8 text");
        // {text:?} quotes the text and writes a newline in it as \n: one line per message.
        println!("Received {text:?} from {address}");

        // sendall(data): send every byte back.
        client.write_all(data).expect("sendall failed");
    } // close(): `client` goes out of scope here, at the end of each turn, and that closes it.
    // ANCHOR_END: loop
}
