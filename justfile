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

# Lesson 4: uppercase and student ID conversations
demo-4:
    cargo demo 4

# Lesson 7: UDP, the contrast with TCP
demo-7:
    cargo demo 7

# Run every test (the same command as CI)
test:
    cargo test

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
