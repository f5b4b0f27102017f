# Recipes for the socket course. `just` alone lists them. Everything here also works without
# just: each recipe is one plain cargo command you can type yourself.

# List the recipes
default:
    @just --list --unsorted

# Lesson 1: simple server and client
demo-1:
    cargo demo 1

# Lesson 6: image transfer
demo-6:
    cargo demo 6

# Lesson 6's measurements: 1, 4 and 16 MB pictures in both wire formats, and the tutorial-style Python receiver (release build; add `-- --python-16` for minutes more)
bench-image *ARGS:
    cargo bench -p lesson-image --bench transfer {{ARGS}}

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
