#!/usr/bin/env bash
# Fuzzes the ingest API's body parser (fuzz_targets/body.rs) with cargo-fuzz (libFuzzer, address
# sanitizer) on the stable toolchain: RUSTC_BOOTSTRAP=1 lets stable rustc take the nightly-only
# `-Zsanitizer` flags cargo-fuzz passes. Installs cargo-fuzz into the cache when missing;
# starts from the seeds in fuzz/seeds and the corpus kept in the cache by earlier runs.
# Exits non-zero with the crashing input in fuzz/artifacts/body/ when the target fails.
#
# Environment: FUZZ_SECONDS (default 120), HEARTBEAT_CACHE (default ~/.cache/heartbeat-platform).
set -euo pipefail

fuzz="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${HEARTBEAT_CACHE:-$HOME/.cache/heartbeat-platform}"
seconds="${FUZZ_SECONDS:-120}"
cargo_fuzz_version=0.13.2

export PATH="$cache/cargo-fuzz/bin:$PATH"
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $cargo_fuzz_version" ]; then
    cargo install --locked --quiet cargo-fuzz --version "$cargo_fuzz_version" --root "$cache/cargo-fuzz"
fi
corpus="$cache/fuzz-corpus/body"
mkdir -p "$corpus"
cd "$fuzz"
RUSTC_BOOTSTRAP=1 cargo fuzz run body "$corpus" "$fuzz/seeds" -- \
    -max_total_time="$seconds" -dict="$fuzz/body.dict" -print_final_stats=1
