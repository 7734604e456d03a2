#!/usr/bin/env bash
# All tests: format, lints, unit and mock-engine tests, the real-data-plane tests, a short fuzz
# run of the ingest API's body parser, and the real-engine gates for dev and prod. On a bare
# machine run `bash .ci/run`, which installs the prerequisites first.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - start))"; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test (the data-plane and real-CLI tests need scripts/dataplane/install.sh and tools/build-engine.sh; without them they say SKIPPED)"
cargo test --workspace

step "fuzz the ingest API's body parser (cargo-fuzz on stable, FUZZ_SECONDS=${FUZZ_SECONDS:-60})"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}" bash fuzz/run.sh

step "real-engine gates: preview, up, preview --expect-no-changes, destroy for dev and prod"
bash tools/engine-gates.sh dev prod

step "GitHub workflow lint"
bash tools/lint-workflows.sh

step "done"
