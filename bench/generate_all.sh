#!/usr/bin/env bash
# Benchmark: `navlayer generate all` for one bundle (default enterprise 18.1), loading included:
# every layer of every kind written to a fresh folder, release binary, RUNS runs (default 7),
# median and min-max wall time. Compare with mitreattack-python in
# ../shared/bench/python-baseline/RESULTS.md (rows 3 and 4a: 44 mitigation / 172 group layers).
#
#   bench/generate_all.sh [BUNDLE] [RUNS]
#   NAVLAYER=target/release/navlayer bench/generate_all.sh ../shared/attack-data/enterprise-attack-18.1.json 9
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bundle="${1:-$here/../shared/attack-data/enterprise-attack-18.1.json}"
runs="${2:-7}"
bin="${NAVLAYER:-${CARGO_TARGET_DIR:-$here/target}/release/navlayer}"
if [[ ! -x "$bin" ]]; then
  (cd "$here" && cargo build --release -p navlayer)
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
times=()
for i in $(seq 1 "$runs"); do
  out="$work/run$i"
  start=$(date +%s.%N)
  "$bin" --data "$bundle" --offline generate all --out-dir "$out" 2>"$work/stderr$i"
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc -l)")
done
files=$(ls "$work/run1" | wc -l)
bytes=$(du -sb "$work/run1" | cut -f1)
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}')
min=$(echo "$sorted" | head -n1)
max=$(echo "$sorted" | tail -n1)
echo "navlayer generate all: $(basename "$bundle"), $runs runs"
echo "  $(cat "$work/stderr1")"
printf '  files: %s (%s bytes)\n  wall median: %.3f s (min %.3f, max %.3f)\n' "$files" "$bytes" "$median" "$min" "$max"
echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
