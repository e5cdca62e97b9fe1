#!/bin/sh
# Benchmark of `combine`: 26 layers of 1,000 entries each, a 26-variable expression.
# Runs the library benchmark (crates/ops/examples/combine_bench.rs) in release mode; it builds the
# layers in memory and prints the median of RUNS timed runs (default 30).
#   bench/combine.sh [RUNS]
set -eu
cd "$(dirname "$0")/.."
cargo run --release --quiet -p navlayer-ops --example combine_bench -- "${1:-30}"
