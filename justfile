# Recipes for the socket course. `just` alone lists them. Everything here also works without
# just: each recipe is one plain cargo command you can type yourself.

# List the recipes
default:
    @just --list --unsorted

# Lesson 1: simple server and client
demo-1:
    cargo demo 1

# Lesson 5: framing, TCP is a byte stream (experiments, strings, average)
demo-5:
    cargo demo 5

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
