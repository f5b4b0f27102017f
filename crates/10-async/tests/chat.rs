//! `async-chat-server`: the tests of Budget Chat that lesson 9's `chat-server` passes, run over
//! the tokio server: the exact lines of every step, names refused, each sender's lines in
//! order, fifty users at once, a user who stops reading, the limits, control bytes escaped.
//! Each test calls the scenario of the same name in `testkit::chat::scenarios`, where lesson 9's
//! tests find them too (a lesson never depends on another lesson's crate, tests included).
//!
//! Every server runs on `--port 0` and is used only after its `listening on` line; every read
//! and wait has a time limit (see `testkit::procs`).

use std::path::Path;

use testkit::chat::scenarios;

/// The server under test.
fn server() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_async-chat-server"))
}

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

/// Terminal injection, as lesson 9's `control_bytes` tests: a member's control characters reach
/// the others escaped, exactly as typed.
mod control_bytes {
    use testkit::chat::alice_sees;

    use super::*;

    #[test]
    fn a_carriage_return_or_an_escape_sequence_arrives_escaped() {
        alice_sees(
            server(),
            b"fake\r[alice] spoof",
            br"[mallory] fake\r[alice] spoof",
        );
        alice_sees(server(), b"\x1b[2J\x00", br"[mallory] \x1b[2J\x00");
    }
}
