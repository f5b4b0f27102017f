//! The runner behind `cargo demo N`: it lists the demos, runs each one to a clean exit, and
//! fails loudly, showing the failing side's output, when a program misbehaves.

use course::demo::{self, Demo, Session};

#[test]
fn cargo_demo_without_a_number_lists_every_lesson() {
    let list = course::demos::list();
    assert!(list.starts_with("Usage: cargo demo N"), "{list}");
    for demo in course::demos::ALL {
        assert!(
            list.contains(&format!("  {}  {}", demo.number, demo.title)),
            "{list}"
        );
    }
}

fn client_against_nothing(session: &mut Session) -> anyhow::Result<()> {
    let closed = testkit::probe::ClosedPort::new()?;
    let port = closed.port().to_string();
    session.run("client", "simple-client", &["--port", &port], "")
}

#[test]
fn a_demo_whose_client_fails_reports_it_with_the_clients_output() {
    let broken = Demo {
        number: 99,
        title: "broken on purpose",
        lesson: "lessons/01-simple-server.md",
        packages: &["lesson-simple"],
        by_hand: &[],
        script: client_against_nothing,
    };
    let error = demo::run(&broken, false).expect_err("the demo should fail");
    let message = format!("{error:#}");
    assert!(message.starts_with("demo 99 failed\n"), "{message}");
    assert!(
        message.contains("client | error: could not connect to 127.0.0.1:"),
        "the failing side's output should be shown: {message}"
    );
    assert!(
        message.ends_with(": client (simple-client) failed: exit status: 1"),
        "{message}"
    );
}
