//! Steps every server exercise shares: clients that close at once, reset, or go silent, and a
//! restart on the same port. Each takes `served`, the exercise's own "one normal client gets
//! the right answer", to prove that the server goes on to serve the next client.

use std::time::Duration;

use crate::lab::{Conn, Failure, Lab, PROMPT_CLOSE, StepResult};

/// An exchange with one well-behaved client, checked byte for byte.
pub type Served = fn(&mut Lab) -> StepResult;

/// A client connects and closes at once without sending anything; the next one is served.
pub fn closes_at_once(lab: &mut Lab, served: Served) -> StepResult {
    let conn = lab.connect()?;
    drop(conn);
    next_client_served(lab, served, "a client that connected and closed at once")
}

/// A client sends `partial` (maybe nothing) and then resets the connection, as a crashed
/// client does; the next one is served.
pub fn resets(lab: &mut Lab, partial: &[u8], served: Served) -> StepResult {
    let mut conn = lab.connect()?;
    conn.send(partial)?;
    conn.reset()?;
    next_client_served(lab, served, "a client that reset the connection")
}

/// A client connects and sends nothing: the server must drop it after `--idle-timeout` (the
/// checker gives 1 s) and serve the next client, which is already waiting.
pub fn silent_client_dropped(lab: &mut Lab, served: Served) -> StepResult {
    let silent = lab.connect()?;
    silent_client_dropped_with(lab, silent, served)
}

/// [`silent_client_dropped`] with the silent client's connection made already.
pub fn silent_client_dropped_with(lab: &mut Lab, mut silent: Conn, served: Served) -> StepResult {
    served(lab).map_err(|failure| Failure {
        problem: format!(
            "While a client that sends nothing was connected, the next client was not served: \
             a server must drop a silent client after --idle-timeout seconds (the checker \
             gives 1) and go on.\n{}",
            failure.problem
        ),
        ..failure
    })?;
    if !silent.closes_within(Duration::from_secs(2)) {
        return Err(silent.failure(
            "the server never closed the connection of the client that sent nothing".into(),
        ));
    }
    Ok(())
}

/// The server is killed while a client is connected and started again at once on the same
/// port: it must bind the port at once (SO_REUSEADDR) and serve.
pub fn restarts_at_once(lab: &mut Lab, served: Served) -> StepResult {
    // Not an ephemeral port: another program's connection could take it while the server is
    // down, and the restart would fail through no fault of the server's.
    lab.start_on_quiet_port()?;
    served(lab)?;
    // A client still connected when the server dies leaves the server's side of that
    // connection closing (FIN_WAIT, then TIME_WAIT) on the server's port.
    let lingering = lab.connect()?;
    lab.restart_on_same_port()?;
    drop(lingering);
    served(lab)
}

/// `served`, or a failure saying that the next client after `what` was not served.
pub fn next_client_served(lab: &mut Lab, served: Served, what: &str) -> StepResult {
    lab.expect_running()?;
    served(lab).map_err(|failure| {
        let failure = lab.stopped_or(failure);
        Failure {
            problem: format!(
                "After {what}, the next client was not served.\n{}",
                failure.problem
            ),
            ..failure
        }
    })
}

/// The server must close the connection at once and send nothing: no reply to `what` the
/// client sent (`bytes that are not UTF-8`). Unlike [`Conn::expect_close`], which follows a
/// reply, its failure says that no reply was expected at all.
pub fn expect_no_reply(conn: &mut Conn, what: &str) -> StepResult {
    let start = conn.received().len() - conn.unchecked().len();
    let ended = conn.closes_within(PROMPT_CLOSE);
    let replied = conn.received().len() > start;
    if conn.closed() && !replied {
        return Ok(());
    }
    let problem = no_reply_problem(what, replied, ended);
    Err(conn.mismatch(start, b"", NO_REPLY, &problem))
}

/// What a server that should close without a word did wrong, in a sentence.
pub fn no_reply_problem(what: &str, replied: bool, ended: bool) -> String {
    match (replied, ended) {
        (true, _) => format!(
            "the server replied to {what}: no reply is expected, only the close of the \
             connection"
        ),
        (false, false) => format!(
            "the server neither replied to {what} nor closed the connection within {} s: it \
             must close it at once, without a reply",
            PROMPT_CLOSE.as_secs_f64()
        ),
        (false, true) => format!(
            "the connection failed after {what}, where the server should close it normally, \
             without a reply"
        ),
    }
}

/// What a client that should get no reply expects, in the failure report.
pub const NO_REPLY: &str = "no reply: nothing, then the connection closed at once";

#[cfg(test)]
mod tests {
    use super::{NO_REPLY, no_reply_problem};

    #[test]
    fn a_reply_where_none_is_expected_is_called_a_reply_not_more_than_the_reply() {
        let said = no_reply_problem("bytes that are not UTF-8", true, true);
        assert_eq!(
            said,
            "the server replied to bytes that are not UTF-8: no reply is expected, only the \
             close of the connection"
        );
        assert!(!said.contains("more than the reply"));
        assert!(!NO_REPLY.starts_with("then"));
        let said = no_reply_problem("bytes that are not UTF-8", false, false);
        assert!(
            said.contains("nor closed the connection within 0.5 s"),
            "{said}"
        );
    }
}
