//! Black-box tests of `chat-server` and `chat-client` over real sockets on 127.0.0.1, with many
//! clients at once: the exact lines of every step of Budget Chat, names refused, the order of
//! each sender's lines, fifty users talking at once, a user who stops reading, lines at and
//! over the limit, and the client program (and a Python client) in a real room. The
//! protocol's scenarios and the test user are in `testkit::chat`, shared with lesson 10.
//!
//! Every server runs on `--port 0` and is used only after its `listening on` line; every read
//! and wait has a time limit (see `testkit::procs`).

use std::path::Path;

use testkit::chat::{User, WELCOME, scenarios};
use testkit::procs::{STEP_TIMEOUT, Server};

const SERVER: &str = env!("CARGO_BIN_EXE_chat-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_chat-client");

/// The server under test.
fn server() -> &'static Path {
    Path::new(SERVER)
}

fn start_server(extra: &[&str]) -> Server {
    testkit::chat::start(server(), extra)
}

mod control_bytes;

// The protocol's tests are `testkit::chat::scenarios`, which lesson 10's async-chat-server
// passes too: each test here runs the scenario of its name over chat-server.
mod protocol {
    use super::*;

    #[test]
    fn welcome_presence_list_and_join_and_leave_notices_exact_lines_on_both_sides() {
        scenarios::welcome_presence_list_and_join_and_leave_notices_exact_lines_on_both_sides(
            server(),
        );
    }

    #[test]
    fn a_line_goes_to_everyone_else_as_name_and_text_and_never_back_to_its_sender() {
        scenarios::a_line_goes_to_everyone_else_as_name_and_text_and_never_back_to_its_sender(
            server(),
        );
    }

    #[test]
    fn each_senders_lines_arrive_in_order_even_sent_in_one_write_or_a_byte_at_a_time() {
        scenarios::each_senders_lines_arrive_in_order_even_sent_in_one_write_or_a_byte_at_a_time(
            server(),
        );
    }

    #[test]
    fn with_once_the_server_serves_one_client_and_exits() {
        scenarios::with_once_the_server_serves_one_client_and_exits(server());
    }

    #[test]
    fn a_user_who_resets_the_connection_leaves_the_room() {
        scenarios::a_user_who_resets_the_connection_leaves_the_room(server());
    }
}

mod names {
    use super::*;

    #[test]
    fn names_with_cr_spaces_17_characters_non_ascii_or_nothing_are_refused_and_nobody_hears() {
        scenarios::names_with_cr_spaces_17_characters_non_ascii_or_nothing_are_refused_and_nobody_hears(server());
    }

    #[test]
    fn a_name_in_use_is_refused_and_free_again_once_its_owner_has_left() {
        scenarios::a_name_in_use_is_refused_and_free_again_once_its_owner_has_left(server());
    }

    #[test]
    fn a_client_that_never_sends_a_name_is_told_and_dropped_after_idle_timeout() {
        scenarios::a_client_that_never_sends_a_name_is_told_and_dropped_after_idle_timeout(server());
    }

    #[test]
    fn a_member_may_stay_quiet_longer_than_the_idle_timeout() {
        scenarios::a_member_may_stay_quiet_longer_than_the_idle_timeout(server());
    }
}

mod limits {
    use super::*;

    #[test]
    fn a_line_of_1000_bytes_passes_and_a_longer_one_gets_an_error_line_and_the_close() {
        scenarios::a_line_of_1000_bytes_passes_and_a_longer_one_gets_an_error_line_and_the_close(
            server(),
        );
    }

    #[test]
    fn a_user_who_disconnects_mid_line_leaves_and_the_half_line_reaches_nobody() {
        scenarios::a_user_who_disconnects_mid_line_leaves_and_the_half_line_reaches_nobody(server());
    }

    #[test]
    fn a_line_that_is_not_utf8_gets_an_error_line_and_the_user_leaves() {
        scenarios::a_line_that_is_not_utf8_gets_an_error_line_and_the_user_leaves(server());
    }

    #[test]
    fn a_client_over_max_clients_is_told_the_server_is_full_and_the_others_go_on() {
        scenarios::a_client_over_max_clients_is_told_the_server_is_full_and_the_others_go_on(
            server(),
        );
    }
}

mod many {
    use super::*;

    #[test]
    fn fifty_users_join_and_talk_at_once_and_each_hears_every_other_line_once_in_order() {
        scenarios::fifty_users_join_and_talk_at_once_and_each_hears_every_other_line_once_in_order(
            server(),
        );
    }
}

mod slow_reader {
    use super::*;

    #[test]
    fn a_user_who_stops_reading_is_dropped_and_the_others_get_every_line_within_a_second() {
        scenarios::a_user_who_stops_reading_is_dropped_and_the_others_get_every_line_within_a_second(server());
    }
}

mod client {
    use testkit::procs::Running;

    use super::*;

    fn start_client(args: &[&str]) -> Running {
        Running::start(Path::new(CLIENT), args).expect("chat-client starts")
    }

    #[test]
    fn chat_client_joins_with_its_name_prints_what_arrives_and_leaves_at_end_of_input() {
        let server = start_server(&[]);
        let mut alice = User::join(&server, "alice", &[]);
        let port = server.port_arg();
        let mut bob = start_client(&["--port", &port, "--name", "bob"]);
        bob.expect_line(WELCOME).expect("welcome");
        bob.expect_line("* The room contains: alice")
            .expect("presence");
        alice.expect("* bob has entered the room");

        bob.write_stdin("hello alice\n").expect("type");
        alice.expect("[bob] hello alice");
        alice.say("hi bob");
        bob.expect_line("[alice] hi bob").expect("message");

        // End of input (Ctrl-D): Bob leaves, and his client ends quietly.
        bob.close_stdin();
        alice.expect("* bob has left the room");
        let finished = bob.finish().expect("the client exits");
        assert!(finished.status.success(), "{:?}", finished.status);
        assert_eq!(finished.rest, Vec::<String>::new());
    }

    #[test]
    fn chat_client_without_a_name_sends_the_first_line_typed_as_the_name() {
        let server = start_server(&[]);
        let mut alice = User::join(&server, "alice", &[]);
        let mut bob = start_client(&["--port", &server.port_arg()]);
        bob.expect_line(WELCOME).expect("welcome");
        bob.write_stdin("bob\n").expect("type the name");
        bob.expect_line("* The room contains: alice")
            .expect("presence");
        alice.expect("* bob has entered the room");
    }

    #[test]
    fn chat_client_says_so_when_the_server_closes_the_connection() {
        let server = start_server(&[]);
        let mut client = start_client(&["--port", &server.port_arg(), "--name", "no spaces"]);
        client.expect_line(WELCOME).expect("welcome");
        client
            .expect_line("ERR the name \"no spaces\" is not 1 to 16 letters or digits")
            .expect("the refusal");
        client
            .expect_line("(the server closed the connection)")
            .expect("the client says why it ends");
        let finished = client.finish().expect("the client exits");
        assert!(finished.status.success(), "{:?}", finished.status);
    }

    #[test]
    fn chat_client_without_a_server_says_connection_refused_and_exits_1() {
        let closed = testkit::probe::ClosedPort::new().expect("a closed port");
        let port = closed.port().to_string();
        assert_cmd::Command::new(CLIENT)
            .args(["--port", &port, "--name", "bob"])
            .timeout(STEP_TIMEOUT)
            .assert()
            .code(1)
            .stdout("")
            .stderr(format!(
                "error: could not connect to 127.0.0.1:{port}: connection refused (is \
                 chat-server running?)\n"
            ));
    }
}

mod python {
    use testkit::python_or_skip;

    use super::*;

    #[test]
    fn python_chat_client_talks_with_users_of_chat_server() {
        let python = python_or_skip!("python_chat_client_talks_with_users_of_chat_server");
        let server = start_server(&[]);
        let mut alice = User::join(&server, "alice", &[]);
        let port = server.port_arg();
        let mut py = python
            .start("chat_client.py", &[&port, "py"])
            .expect("python3 starts");
        py.expect_line(WELCOME).expect("welcome");
        py.expect_line("* The room contains: alice")
            .expect("presence");
        alice.expect("* py has entered the room");

        py.write_stdin("hello from python\n").expect("type");
        alice.expect("[py] hello from python");
        alice.say("hello, snake");
        py.expect_line("[alice] hello, snake").expect("message");

        py.close_stdin();
        alice.expect("* py has left the room");
        py.expect_line("(the server closed the connection)")
            .expect("the end");
        let finished = py.finish().expect("python exits");
        assert!(finished.status.success(), "{:?}", finished.status);
    }
}
