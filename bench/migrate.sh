#!/bin/sh
# Times `navlayer migrate` on 100 official 16.1 group layers to 18.1 (both releases loaded by the
# binary each run). Prints every run and the median.
#
#   bench/migrate.sh [../shared/attack-data] [RUNS]
#
# Needs the release binary (cargo build --release -p navlayer) and writes the 100 input layers with
# the migrate_bench example (which also prints the in-process timing).
set -eu
DATA=${1:-../shared/attack-data}
RUNS=${2:-7}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${NAVLAYER_BIN:-$TARGET/release/navlayer}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo run --quiet --release -p navlayer-migrate --example migrate_bench -- "$DATA" 3 --write "$WORK/in"
[ -x "$BIN" ] || { echo "no release binary at $BIN (cargo build --release -p navlayer)" >&2; exit 2; }
COUNT=$(ls "$WORK/in" | wc -l)
echo "navlayer migrate: $COUNT files, 16.1 -> 18.1, $RUNS runs"
i=0
TIMES=""
while [ "$i" -lt "$RUNS" ]; do
    rm -rf "$WORK/out"
    START=$(date +%s%N)
    "$BIN" --data "$DATA" migrate "$WORK"/in/*.json --from 16.1 --to 18.1 --out-dir "$WORK/out" \
        --report json --report-file "$WORK/report.json" --force
    END=$(date +%s%N)
    MS=$(( (END - START) / 1000000 ))
    TIMES="$TIMES $MS"
    i=$((i + 1))
done
echo "runs (ms):$TIMES"
echo "$TIMES" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print "median: " a[int((NR+1)/2)] " ms"}'
