#!/bin/sh
# Reading and validating a 10,000-entry layer against enterprise 18.1, after the catalogue is
# loaded (target: median <= 20 ms). Usage: bench/layer-validate.sh [SHARED_DIR] [RUNS]
set -eu
cd "$(dirname "$0")/.."
SHARED="${1:-${NAVLAYER_SHARED:-../shared}}"
RUNS="${2:-31}"
cargo run --quiet --release -p navlayer-layer --example bench_validate -- \
    "$SHARED/attack-data/enterprise-attack-18.1.json" "$RUNS"
