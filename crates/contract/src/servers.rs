//! The servers of the lessons as subjects of the contract: how one normal client is
//! served by each, and the exact lines each prints about a client that misbehaves.
//!
//! Where the operating system's timing allows more than one correct outcome (a reset that
//! arrives before or after the server's read), each is listed; nothing else passes.

use super::{NotText, Subject};
use crate::lab::{Lab, StepResult};

/// Every TCP server of the lessons that serves clients until it is stopped (lesson 5's
/// stream-server serves one client and exits, and UDP has no connections: their own tests
/// cover them).
pub const SERVERS: &[Subject] = &[
    Subject {
        bin: "simple-server",
        package: "lesson-simple",
        port: 50000,
        needs_out_dir: false,
        threaded: false,
        served: simple,
        on_close_at_once: &[&["client {client}: closed the connection without sending anything"]],
        on_reset: (
            b"Hel",
            &[
                &[
                    "Received \"Hel\" from {client}",
                    "client {client}: could not send the reply: connection reset by the peer",
                ],
                &[
                    "Received \"Hel\" from {client}",
                    "closed connection from {client}",
                ],
                &["client {client}: could not receive: connection reset by the peer"],
            ],
        ),
        on_silence: &[&[
            "client {client}: could not receive: nothing arrived for 1 s (--idle-timeout)",
        ]],
        on_not_text: Some(NotText {
            sent: &[0xff, 0xfe, 0xfd],
            answer: b"",
            lines: &[&["client {client}: sent data that is not UTF-8 text: ff fe fd"]],
        }),
    },
    Subject {
        bin: "time-server",
        package: "lesson-time",
        port: 9999,
        needs_out_dir: false,
        threaded: false,
        served: time,
        // The server speaks first and reads nothing: every client gets the time.
        on_close_at_once: &[
            &[
                "Sent \"*\\r\\n\" to {client}",
                "closed connection from {client}",
            ],
            &["client {client}: could not send the time: *"],
        ],
        on_reset: (
            b"",
            &[
                &[
                    "Sent \"*\\r\\n\" to {client}",
                    "closed connection from {client}",
                ],
                &["client {client}: could not send the time: *"],
            ],
        ),
        on_silence: &[&[
            "Sent \"*\\r\\n\" to {client}",
            "closed connection from {client}",
        ]],
        on_not_text: None,
    },
    Subject {
        bin: "echo-server",
        package: "lesson-echo",
        port: 12345,
        needs_out_dir: false,
        threaded: false,
        served: echo,
        on_close_at_once: &[&[
            "echoed 0 bytes to {client}",
            "closed connection from {client}",
        ]],
        on_reset: (
            b"Hel",
            &[
                &[
                    "client {client}: echoed 0 bytes, then could not send: connection reset by the peer",
                ],
                &[
                    "client {client}: echoed 0 bytes, then could not receive: connection reset by the peer",
                ],
                &[
                    "client {client}: echoed 3 bytes, then could not receive: connection reset by the peer",
                ],
            ],
        ),
        on_silence: &[&[
            "client {client}: echoed 0 bytes, then could not receive: nothing arrived for 1 s (--idle-timeout)",
        ]],
        // Echo takes any bytes at all: nothing is "not text" to it.
        on_not_text: None,
    },
    Subject {
        bin: "uppercase-server",
        package: "lesson-uppercase",
        port: 12000,
        needs_out_dir: false,
        threaded: false,
        served: uppercase,
        on_close_at_once: &[&["client {client}: closed the connection without sending anything"]],
        on_reset: (
            b"hel",
            &[
                &[
                    "Received \"hel\" from {client}",
                    "client {client}: could not send the reply: connection reset by the peer",
                ],
                &[
                    "Received \"hel\" from {client}",
                    "Sent \"HEL\" to {client}",
                    "closed connection from {client}",
                ],
                &["client {client}: could not receive: connection reset by the peer"],
            ],
        ),
        on_silence: &[&[
            "client {client}: could not receive: nothing arrived for 1 s (--idle-timeout)",
        ]],
        on_not_text: Some(NotText {
            sent: b"hi\xff\xfe",
            answer: b"",
            lines: &[&["client {client}: sent data that is not UTF-8 text: 68 69 ff fe"]],
        }),
    },
    Subject {
        bin: "id-server",
        package: "lesson-uppercase",
        port: 7000,
        needs_out_dir: false,
        threaded: false,
        served: student_id,
        on_close_at_once: &[
            &["client {client}: closed the connection without answering"],
            &["client {client}: could not receive the answer: connection reset by the peer"],
            &["client {client}: could not send the question: *"],
        ],
        on_reset: (
            b"b12",
            &[
                &["client {client}: could not send the question: connection reset by the peer"],
                &["client {client}: could not receive the answer: connection reset by the peer"],
                &[
                    "Student ID from {client}: \"B12\"",
                    "closed connection from {client}",
                ],
            ],
        ),
        on_silence: &[&[
            "client {client}: could not receive the answer: nothing arrived for 1 s (--idle-timeout)",
        ]],
        on_not_text: Some(NotText {
            sent: b"b\xff",
            answer: b"What's your student ID?\n",
            lines: &[&["client {client}: answered with data that is not UTF-8 text: 62 ff"]],
        }),
    },
    Subject {
        bin: "string-server",
        package: "lesson-framing",
        port: 8888,
        needs_out_dir: false,
        threaded: false,
        served: strings,
        on_close_at_once: &[&["closed connection from {client}"]],
        on_reset: (
            b"00000005He",
            &[&["client {client}: could not receive a string: connection reset by the peer"]],
        ),
        on_silence: &[&[
            "client {client}: could not receive a string: nothing arrived for 1 s (--idle-timeout)",
        ]],
        on_not_text: Some(NotText {
            sent: b"00000002\xff\xfe",
            answer: b"",
            lines: &[&[
                "client {client}: could not receive a string: the message is not UTF-8 text (invalid bytes from position 0)",
            ]],
        }),
    },
    Subject {
        bin: "average-server",
        package: "lesson-framing",
        port: 8888,
        needs_out_dir: false,
        threaded: false,
        served: average,
        on_close_at_once: &[&["closed connection from {client}"]],
        on_reset: (
            b"00000009[1, ",
            &[&["client {client}: could not receive a request: connection reset by the peer"]],
        ),
        on_silence: &[&[
            "client {client}: could not receive a request: nothing arrived for 1 s (--idle-timeout)",
        ]],
        // Not text is a bad request, answered with an error object: the client may go on.
        on_not_text: Some(NotText {
            sent: b"00000002\xff\xfe",
            answer: b"00000041{\"error\":\"the request is not UTF-8 text\"}",
            lines: &[&[
                "request ff fe -> reply {\"error\":\"the request is not UTF-8 text\"}",
                "closed connection from {client}",
            ]],
        }),
    },
    Subject {
        bin: "image-server",
        package: "lesson-image",
        port: 50000,
        needs_out_dir: true,
        threaded: false,
        served: image,
        on_close_at_once: &[&["client {client}: *"]],
        on_reset: (
            b"00000069\x89PNG",
            &[&["client {client}: *connection reset by the peer*"]],
        ),
        on_silence: &[&["client {client}: *nothing arrived for 1 s (--idle-timeout)*"]],
        on_not_text: None,
    },
    Subject {
        bin: "chat-server",
        package: "lesson-chat",
        port: 7777,
        ..CHAT
    },
    threaded_server(),
    pool_server(),
    Subject {
        bin: "poll-server",
        package: "lesson-async",
        port: 12004,
        ..COMMAND_PROTOCOL
    },
    Subject {
        bin: "async-server",
        package: "lesson-async",
        port: 12005,
        ..COMMAND_PROTOCOL
    },
    Subject {
        bin: "async-chat-server",
        package: "lesson-async",
        port: 7778,
        // It sends the welcome when its one thread gets to the new client's task, which may be
        // after the reset has arrived: then the welcome's send is what fails.
        on_reset: (
            b"ali",
            &[
                &["client {client}: did not send a name: connection reset by the peer"],
                &["client {client}: could not send the welcome: connection reset by the peer"],
            ],
        ),
        ..CHAT
    },
    Subject {
        bin: "http-server",
        package: "lesson-http",
        port: 8000,
        needs_out_dir: false,
        threaded: true,
        served: http,
        on_close_at_once: &[&["client {client}: closed the connection without sending a request"]],
        on_reset: (
            b"GET / HT",
            &[
                &["client {client}: could not receive a request: connection reset by the peer"],
                &[
                    "client {client}: closed the connection in the middle of a request head (8 bytes)",
                ],
            ],
        ),
        on_silence: &[&["client {client}: sent no request for 1 s (--idle-timeout)"]],
        // Half a request line, then the half-close: no whole head ever comes.
        on_not_text: Some(NotText {
            sent: b"\xff\xfe\n",
            answer: b"",
            lines: &[&[
                "client {client}: closed the connection in the middle of a request head (3 bytes)",
            ]],
        }),
    },
];

/// Lesson 8's thread-per-client server, with its default cap of 64 clients.
const fn threaded_server() -> Subject {
    Subject {
        bin: "threaded-server",
        package: "lesson-concurrency",
        port: 12002,
        ..COMMAND_PROTOCOL
    }
}

/// Lesson 8's pool server, with its default 4 workers.
const fn pool_server() -> Subject {
    Subject {
        bin: "pool-server",
        package: "lesson-concurrency",
        port: 12003,
        ..COMMAND_PROTOCOL
    }
}

/// What lesson 9's Budget Chat servers share (chat-server, and lesson 10's
/// async-chat-server): the protocol, and the lines about clients that never join.
const CHAT: Subject = Subject {
bin: "",
package: "",
port: 0,
    needs_out_dir: false,
    threaded: true,
    served: chat,
    on_close_at_once: &[
        &["client {client}: closed the connection without sending a name"],
        // The welcome, sent to a client that had closed, drew a reset from its system, which
        // the reader met before the end of the stream (seen once in 40 runs on a loaded
        // machine).
        &["client {client}: did not send a name: connection reset by the peer"],
    ],
    on_reset: (
        b"ali",
        &[
            &["client {client}: did not send a name: connection reset by the peer"],
            // The writer thread, sending the welcome, met the reset first and shut the
            // connection down to wake the reader, which then read the end of the stream (seen
            // once in 20 runs on a loaded machine).
            &[
                "client {client}: did not send a name: the connection closed before the \"\\n\" \
                 that ends a message (3 bytes without it)",
            ],
        ],
    ),
    on_silence: &[&[
        "client {client}: did not send a name: nothing arrived for 1 s (--idle-timeout)",
    ]],
    on_not_text: Some(NotText {
        sent: b"\xff\xfe\n",
        answer: b"Welcome to budgetchat! What shall I call you?\nERR the name ff fe is not 1 to 16 letters or digits\n",
        lines: &[&["client {client}: the name ff fe is not 1 to 16 letters or digits"]],
    }),
};

/// What lesson 8's two servers and lesson 10's poll-server and async-server share: exercise
/// command-server's line protocol, served to many clients at once.
const COMMAND_PROTOCOL: Subject = Subject {
    bin: "",
    package: "",
    port: 0,
    needs_out_dir: false,
    threaded: true,
    served: command,
    on_close_at_once: &[&["closed connection from {client}"]],
    on_reset: (
        b"UPP",
        &[&["client {client}: could not receive a request: connection reset by the peer"]],
    ),
    on_silence: &[&[
        "client {client}: could not receive a request: nothing arrived for 1 s (--idle-timeout)",
    ]],
    // The line is answered and the conversation goes on, until the client's half-close.
    on_not_text: Some(NotText {
        sent: b"\xff\xfe\n",
        answer: b"ERR not UTF-8\n",
        lines: &[&["closed connection from {client}"]],
    }),
};

fn command(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(b"UPPER hello\n")?;
    conn.expect(b"HELLO\n")?;
    conn.send(b"QUIT\n")?;
    conn.expect(b"BYE\n")?;
    conn.expect_close()
}

fn chat(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.expect(b"Welcome to budgetchat! What shall I call you?\n")?;
    conn.send(b"alice\n")?;
    conn.expect(b"* The room contains:\n")?;
    conn.half_close()?;
    conn.expect_close()
}

/// http-server: a page that is not there gets its 404 (its `Date` checked for its shape only:
/// it changes every second), the connection stays open, and ends when the client's does.
fn http(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(b"GET /no-such-page HTTP/1.1\r\nHost: x\r\n\r\n")?;
    conn.expect(b"HTTP/1.1 404 Not Found\r\nDate: ")?;
    let date = conn.read_line(64)?;
    // `Sat, 05 Dec 2026 21:21:05 GMT\r\n`
    if date.len() != 31 || !date.ends_with(b" GMT\r\n") {
        let mut failure = conn.failure("the Date line is not an HTTP date".to_string());
        failure.expected = Some("\"Sat, 05 Dec 2026 21:21:05 GMT\\r\\n\"".into());
        failure.received = Some(netlesson::show::show_bytes(&date));
        return Err(failure);
    }
    conn.expect(
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 46\r\n\r\n\
          404 Not Found: nothing is served at this path\n",
    )?;
    conn.half_close()?;
    conn.expect_close()
}

fn simple(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(b"Hello")?;
    conn.expect_then_close(b"Hello")
}

fn time(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    let reply = conn.read_to_close(64)?;
    // ctime's layout, as the tutorial sends it: `Wed Jan 29 19:14:15 2014\r\n`, 26 ASCII bytes.
    let shape = reply.len() == 26
        && reply.ends_with(b"\r\n")
        && reply[..24]
            .iter()
            .all(|byte| byte.is_ascii_alphanumeric() || *byte == b' ' || *byte == b':');
    match shape {
        true => Ok(()),
        false => {
            let mut failure =
                conn.failure("the reply is not the time as ctime writes it".to_string());
            failure.expected = Some("26 bytes like \"Wed Jan 29 19:14:15 2014\\r\\n\"".into());
            failure.received = Some(netlesson::show::show_bytes(&reply));
            Err(failure)
        }
    }
}

fn echo(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    let message = [b'e', 0, 0xff, b'\n', b'o'];
    conn.send(&message)?;
    conn.half_close()?;
    conn.expect_then_close(&message)
}

fn uppercase(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send("straße".as_bytes())?;
    conn.expect_then_close(b"STRASSE")
}

fn student_id(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.expect(b"What's your student ID?\n")?;
    conn.send(b"b1")?;
    conn.half_close()?;
    conn.expect_close()
}

fn strings(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(b"00000005Hello00000007stra\xc3\x9fe")?;
    conn.expect(b"00000005Hello00000007stra\xc3\x9fe")?;
    conn.half_close()?;
    conn.expect_close()
}

fn average(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(b"00000009[1, 2, 6]")?;
    conn.expect(b"000000033.0")?;
    conn.half_close()?;
    conn.expect_close()
}

/// A picture of 1x1 pixel in PNG, 69 bytes.
const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
    0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

fn image(lab: &mut Lab) -> StepResult {
    let mut conn = lab.connect()?;
    let mut frame = format!("{:08}", TINY_PNG.len()).into_bytes();
    frame.extend_from_slice(TINY_PNG);
    conn.send(&frame)?;
    let line = conn.read_line(200)?;
    let text = String::from_utf8_lossy(&line);
    if !super::matches("saved image-*.png: 69 bytes, 1x1 pixels, crc32 *\n", &text) {
        let mut failure = conn.failure("the server did not save the picture".into());
        failure.expected = Some("\"saved image-N.png: 69 bytes, 1x1 pixels, crc32 ...\\n\"".into());
        failure.received = Some(format!("{text:?}"));
        return Err(failure);
    }
    conn.half_close()?;
    conn.expect_close()
}

/// Every program of the workspace (lesson binaries and tools), for the one-shot checks of
/// the contract: `--help` explains every option, a bad option is refused with exit code 2.
pub const PROGRAMS: &[&str] = &[
    "simple-server",
    "simple-client",
    "time-server",
    "time-client",
    "echo-server",
    "echo-client",
    "echo-bench",
    "uppercase-server",
    "uppercase-client",
    "id-server",
    "id-client",
    "stream-server",
    "stream-client",
    "string-server",
    "string-client",
    "average-server",
    "average-client",
    "image-server",
    "image-client",
    "udp-server",
    "udp-client",
    "threaded-server",
    "pool-server",
    "load-client",
    "chat-server",
    "chat-client",
    "poll-server",
    "async-server",
    "async-chat-server",
    "runtime-demo",
    "concurrency-bench",
    "chat-bench",
    "http-server",
    "http-get",
    "http-bench",
    "wiretap",
];

/// A TCP client of the course, and how to run it once against a server at `--port`.
pub struct Client {
    /// Its binary.
    pub bin: &'static str,
    /// Its options besides `--port` and `--timeout`.
    pub args: &'static [&'static str],
    /// What it reads from its stdin (what a user would type).
    pub stdin: &'static str,
    /// Whether it waits for an answer (stream-client only sends, by design).
    pub waits_for_answer: bool,
    /// The server it talks to, which its error names when nothing listens on the port.
    pub server: &'static str,
}

/// Every TCP client of the lessons.
pub const CLIENTS: &[Client] = &[
    Client {
        bin: "simple-client",
        args: &[],
        stdin: "",
        waits_for_answer: true,
        server: "simple-server",
    },
    Client {
        bin: "time-client",
        args: &[],
        stdin: "",
        waits_for_answer: true,
        server: "time-server",
    },
    Client {
        bin: "echo-client",
        args: &[],
        stdin: "",
        waits_for_answer: true,
        server: "echo-server",
    },
    Client {
        bin: "uppercase-client",
        args: &[],
        stdin: "hello\n",
        waits_for_answer: true,
        server: "uppercase-server",
    },
    Client {
        bin: "id-client",
        args: &[],
        stdin: "b1\n",
        waits_for_answer: true,
        server: "id-server",
    },
    Client {
        bin: "stream-client",
        args: &["--mode", "whole"],
        stdin: "",
        waits_for_answer: false,
        server: "stream-server",
    },
    Client {
        bin: "string-client",
        args: &["--message", "Hi"],
        stdin: "",
        waits_for_answer: true,
        server: "string-server",
    },
    Client {
        bin: "average-client",
        args: &["1", "2"],
        stdin: "",
        waits_for_answer: true,
        server: "average-server",
    },
    Client {
        bin: "image-client",
        args: &["--generate", "4x4"],
        stdin: "",
        waits_for_answer: true,
        server: "image-server",
    },
    Client {
        bin: "load-client",
        args: &["--clients", "2", "--requests", "2"],
        stdin: "",
        waits_for_answer: true,
        server: "threaded-server",
    },
    Client {
        bin: "chat-client",
        args: &["--name", "alice"],
        stdin: "",
        // It talks as long as you type: with nothing typed, it ends when its input ends.
        waits_for_answer: false,
        server: "chat-server",
    },
];
