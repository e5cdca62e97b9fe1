#!/usr/bin/env bash
# Browser test of `navlayer serve`: builds the release binary, starts it on a free loopback port
# with a temporary database, and drives the web UI with Playwright (playwright-core) and Debian's
# chromium (/usr/bin/chromium; `apt-get install -y chromium`).
#
#   NAVLAYER_SHARED=/path/to/shared tests/server-browser/run.sh [OUT_DIR]
#
# ATT&CK data: $NAVLAYER_DATA, else $NAVLAYER_SHARED/attack-data. OUT_DIR receives the screenshot.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$here/out}"
mkdir -p "$out"
data="${NAVLAYER_DATA:-${NAVLAYER_SHARED:?set NAVLAYER_SHARED (the shared test data) or NAVLAYER_DATA}/attack-data}"
[ -x /usr/bin/chromium ] || { echo "chromium missing: apt-get install -y chromium" >&2; exit 2; }

# NAVLAYER_BIN: a navlayer binary to use instead of building the release one.
bin="${NAVLAYER_BIN:-}"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --release -p navlayer --quiet)
  bin="${CARGO_TARGET_DIR:-$root/target}/release/navlayer"
fi

[ -d "$here/node_modules/playwright-core" ] || (cd "$here" && npm ci --no-audit --no-fund --silent)

tmp="$(mktemp -d)"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$bin" --data "$data" serve --addr "127.0.0.1:$port" --db "$tmp/layers.sqlite" 2>"$tmp/server.log" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 2; }
  sleep 0.1
done
node "$here/test.mjs" "http://127.0.0.1:$port" "$out"
