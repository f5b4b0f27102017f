# Recipes for the socket course. `just` alone lists them. Everything here also works without
# just: each recipe is one plain cargo command you can type yourself.

# List the recipes
default:
    @just --list --unsorted

# Lesson 1: simple server and client
demo-1:
    cargo demo 1

# Lesson 2: time server and client
demo-2:
    cargo demo 2

# Lesson 3: echo server and client
demo-3:
    cargo demo 3

# Lesson 3: push a few hundred MiB through echo-server and a plain C echo server (release build)
bench-echo *ARGS:
    cargo build --release --quiet --package lesson-echo --bins
    cargo run --release --quiet --bin echo-bench -- {{ARGS}}

# Lesson 4: uppercase and student ID conversations
demo-4:
    cargo demo 4

# Lesson 5: framing, TCP is a byte stream (experiments, strings, average)
demo-5:
    cargo demo 5

# Lesson 6: image transfer
demo-6:
    cargo demo 6

# Lesson 6's measurements: 1, 4 and 16 MB pictures in both wire formats, and the tutorial-style Python receiver (release build; add `-- --python-16` for minutes more)
bench-image *ARGS:
    cargo bench -p lesson-image --bench transfer {{ARGS}}

# Lesson 7: UDP, the contrast with TCP
demo-7:
    cargo demo 7

# Lesson 8: the one-at-a-time server, then the threaded server, with a silent client; the cap
demo-8:
    cargo demo 8

# Lessons 8 and 10: one at a time, thread per client, pool, poll-server, async-server and a C epoll server, at 1, 100, 1000 and 10,000 clients; one table (release build, about 3 minutes)
bench-concurrency *ARGS:
    cargo build --release --quiet --package lesson-concurrency --package lesson-async --bins
    cargo run --release --quiet --package lesson-async --bin concurrency-bench -- {{ARGS}}

# Lesson 9: a chat room, many clients at once (Budget Chat)
demo-9:
    cargo demo 9

# Lesson 10: one thread, many sockets (an event loop, then tokio)
demo-10:
    cargo demo 10

# Lessons 9 and 10: chat-server and async-chat-server with 100 and 1000 members (release build, about 2 minutes)
bench-chat *ARGS:
    cargo build --release --quiet --package lesson-chat --package lesson-async --bins
    cargo run --release --quiet --package lesson-async --bin chat-bench -- {{ARGS}}

# Lesson 11: the web from sockets, HTTP/1.1
demo-11:
    cargo demo 11

# Lesson 11: requests per second for a small file, kept alive, at 1, 100 and 1000 connections: http-server, nginx and Python's http.server side by side (release build; wrk and nginx from Debian if installed)
bench-http *ARGS:
    cargo build --release --quiet --package lesson-http --bins
    cargo run --release --quiet --bin http-bench -- {{ARGS}}

# Run every test (the same command as CI)
test:
    cargo test

# The stress and slow tests `cargo test` leaves out: thousands of connections, floods,
# Chromium, `cargo tree` for every package (CI runs them)
test-stress:
    cargo test --workspace --exclude checker --exclude exercises -- --ignored

# Formatting and lints, as CI checks them
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# Everything CI runs: formatting, lints, tests
check:
    .ci/run

# Regenerate the code snippets and outputs shown in lessons/*.md from the code
lessons:
    cargo lessons --write

# Exercises: `just exercise` lists them, `just exercise check NAME` checks yours, `just exercise hint NAME`
exercise *ARGS:
    cargo exercise {{ARGS}}

# Build the lessons as a book (into target/book) and serve it at http://localhost:3000, rebuilding on every change
book:
    command -v mdbook >/dev/null || cargo install mdbook --locked
    mdbook serve book --open
