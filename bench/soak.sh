#!/usr/bin/env bash
# Soak test of `navlayer serve` (issue 9), loopback only and bounded in time: for SECONDS (default
# 60, at most 300) the release binary serves readers, writers, renderers, hostile bodies and 50
# slow clients at once while a probe asks /api/health every 100 ms. Fails on any 5xx other than
# an explicit 503, on a health answer slower than 100 ms, on a lost acknowledged write, or on a
# database that fails PRAGMA integrity_check. Prints the figures recorded in BENCHMARKS.md.
#
#   NAVLAYER_SHARED=/path/to/shared bench/soak.sh [SECONDS]
#
# The load is crates/cli/tests/soak.rs (an ignored test), run against NAVLAYER_BIN (default: the
# release build, built here).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
secs="${1:-60}"
[ "$secs" -le 300 ] || secs=300
: "${NAVLAYER_SHARED:?set NAVLAYER_SHARED (the shared test data)}"
bin="${NAVLAYER_BIN:-}"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --release -p navlayer --quiet)
  bin="${CARGO_TARGET_DIR:-$root/target}/release/navlayer"
fi
cd "$root"
NAVLAYER_BIN="$bin" SOAK_SECONDS="$secs" \
  cargo test --locked -q -p navlayer --test soak -- --ignored --nocapture --test-threads=1
