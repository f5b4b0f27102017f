//! What the tests of `wiretap tcp` and `wiretap udp` share: starting wiretap in front of a
//! server of the test's own, and reading its log with the times taken out.

#![allow(dead_code)] // Each test file uses a different part of this module.

use std::net::SocketAddr;
use std::path::Path;

use testkit::procs::Server;

pub const WIRETAP: &str = env!("CARGO_BIN_EXE_wiretap");

/// Starts `wiretap <protocol> --listen 127.0.0.1:0 --to <to> <extra>` and reads its two first
/// lines: the ready line, then `forwarding TCP to <to>` (or UDP).
pub fn start_wiretap(protocol: &str, to: SocketAddr, extra: &[&str]) -> Server {
    let to = to.to_string();
    let mut args = vec![protocol, "--listen", "127.0.0.1:0", "--to", to.as_str()];
    args.extend_from_slice(extra);
    let mut wiretap = Server::start(Path::new(WIRETAP), &args).expect("wiretap gets ready");
    let forwarding = wiretap.next_line().expect("the forwarding line");
    let expected = format!("forwarding {} to {to}", protocol.to_uppercase());
    assert!(forwarding.starts_with(&expected), "{forwarding}");
    wiretap
}

/// A log line with its time (`+0.8ms`) replaced by `+T`.
pub fn untimed(line: &str) -> String {
    let words: Vec<&str> = line
        .split(' ')
        .map(|word| {
            let time = word
                .strip_prefix('+')
                .and_then(|rest| rest.strip_suffix("ms"))
                .is_some_and(|number| number.parse::<f64>().is_ok());
            if time { "+T" } else { word }
        })
        .collect();
    words.join(" ")
}

/// The next log line, untimed.
pub fn next_event(wiretap: &mut Server) -> String {
    untimed(&wiretap.next_line().expect("a log line"))
}

/// Reads the next log lines, one per line of `expected`, and checks that each is exactly that
/// line once untimed.
pub fn expect_events(wiretap: &mut Server, expected: &[&str]) {
    for line in expected {
        assert_eq!(
            next_event(wiretap),
            *line,
            "wiretap's log so far:\n{}",
            wiretap.seen().join("\n")
        );
    }
}
