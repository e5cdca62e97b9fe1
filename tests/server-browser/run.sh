#!/usr/bin/env bash
# Browser suite of `navlayer serve`: type-checks the web UI's ES modules (tsc --noEmit
# --checkJs over their JSDoc types), then starts the server on a free loopback port with a
# temporary database and drives the UI with Playwright (playwright-core) and Debian's chromium
# (/usr/bin/chromium; `apt-get install -y chromium`), with real keyboard and mouse events.
#
#   NAVLAYER_SHARED=/path/to/shared tests/server-browser/run.sh [FILTER]
#
# ATT&CK data: $NAVLAYER_DATA, else $NAVLAYER_SHARED/attack-data. Screenshots and benchmark
# figures go to $OUT_DIR (default tests/server-browser/out). NAVLAYER_BIN: a navlayer binary
# to use instead of building the release one (benchmarks need the release build).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export OUT_DIR="${OUT_DIR:-$here/out}"
mkdir -p "$OUT_DIR"
export NAVLAYER_DATA="${NAVLAYER_DATA:-${NAVLAYER_SHARED:?set NAVLAYER_SHARED (the shared test data) or NAVLAYER_DATA}/attack-data}"
[ -x /usr/bin/chromium ] || { echo "chromium missing: apt-get install -y chromium" >&2; exit 2; }
command -v pdftotext >/dev/null 2>&1 || { echo "pdftotext missing (the PDF export test reads the PDF): apt-get install -y poppler-utils" >&2; exit 2; }

if [ -z "${NAVLAYER_BIN:-}" ]; then
  (cd "$root" && cargo build --release -p navlayer --quiet)
  NAVLAYER_BIN="${CARGO_TARGET_DIR:-$root/target}/release/navlayer"
fi
export NAVLAYER_BIN

if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/typescript" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi
echo "== tsc --noEmit --checkJs (web UI modules)"
(cd "$here" && node_modules/.bin/tsc -p tsconfig.json)
node "$here/run-all.mjs" "$@"
