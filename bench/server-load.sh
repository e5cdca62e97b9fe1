#!/usr/bin/env bash
# Load test of `navlayer serve` on loopback only, bounded in time: wrk against GET of a rendered
# SVG and GET of a layer. Target: >= 2,000 requests/s with p99 < 50 ms and no errors.
#
#   NAVLAYER_SHARED=/path/to/shared bench/server-load.sh [SECONDS] [CONNECTIONS]
#
# Needs wrk (apt-get install wrk). Builds the release binary, starts it on a free 127.0.0.1 port
# with a temporary database, stores attack.mitre.org's APT29 layer (G0016), and runs wrk for
# SECONDS (default 10, at most 60) per endpoint. Exits 1 when a target is missed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
secs="${1:-10}"; conns="${2:-32}"
[ "$secs" -le 60 ] || secs=60
[ "$conns" -le 256 ] || conns=256
data="${NAVLAYER_DATA:-${NAVLAYER_SHARED:?set NAVLAYER_SHARED or NAVLAYER_DATA}/attack-data}"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 2; }

# NAVLAYER_BIN: a navlayer binary to use instead of building the release one.
bin="${NAVLAYER_BIN:-}"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --release -p navlayer --quiet)
  bin="${CARGO_TARGET_DIR:-$root/target}/release/navlayer"
fi
tmp="$(mktemp -d)"
port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
"$bin" --data "$data" serve --addr "127.0.0.1:$port" --db "$tmp/layers.sqlite" 2>"$tmp/server.log" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/api/health" >/dev/null && break; sleep 0.1; done

curl -sf -X POST -H 'Content-Type: application/json' \
  -d '{"id":"G0016","domain":"enterprise","store":true,"key":"apt29"}' "$base/api/generate" >/dev/null
# First render fills the cache of this revision; the load then measures serving it.
curl -sf -o "$tmp/first.svg" "$base/api/layers/apt29/render/svg"
echo "layer: $(curl -sf "$base/api/layers/apt29" | wc -c) bytes; svg: $(wc -c <"$tmp/first.svg") bytes; $(nproc) cores"

status=0
for path in /api/layers/apt29/render/svg /api/layers/apt29; do
  out="$(wrk -t2 -c"$conns" -d"${secs}s" --timeout 5s --latency "$base$path")"
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  total="$(awk '/requests in/ {print $1}' <<<"$out")"
  errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)"
  p99ms="$(python3 -c "import sys,re;v='$p99';m=re.match(r'([0-9.]+)(us|ms|s)',v);print(float(m[1])*{'us':0.001,'ms':1,'s':1000}[m[2]])")"
  printf 'GET %-32s %8s req/s  p50 %8s  p99 %8s  (%s requests, %ss, %s connections)%s\n' \
    "$path" "$rps" "$p50" "$p99" "$total" "$secs" "$conns" "${errors:+  ERRORS: $errors}"
  if [ -n "$errors" ] || python3 -c "import sys; sys.exit(0 if $rps >= 2000 and $p99ms < 50 else 1)"; then
    [ -z "$errors" ] || status=1
  else
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "targets met: >= 2000 req/s, p99 < 50 ms, no errors" || echo "TARGET MISSED"
exit "$status"
