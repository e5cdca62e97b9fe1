#!/usr/bin/env bash
# Browser test of navlayer's HTML output: renders a real layer and a hostile layer with the release
# binary, then drives Debian's headless Chromium with playwright-core (tests/browser/html.test.mjs).
# Needs: chromium (apt-get install -y chromium), node + npm, NAVLAYER_SHARED (the shared test data).
# Usage: tests/browser/run.sh            (from anywhere; builds the release binary unless NAVLAYER_BIN is set)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${NAVLAYER_SHARED:-$root/../shared}"
case "$shared" in /*) ;; *) shared="$root/$shared" ;; esac
target="${CARGO_TARGET_DIR:-$root/target}"
chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "chromium not found at $chromium (apt-get install -y chromium)"; exit 2; }
[ -d "$shared/attack-data" ] || { echo "NAVLAYER_SHARED ($shared) has no attack-data/"; exit 2; }
# NAVLAYER_BIN: an already built binary (skips the release build).
bin="${NAVLAYER_BIN:-}"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --release -q -p navlayer)
  bin="$target/release/navlayer"
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" --data "$shared/attack-data" render "$shared/layers-corpus/BoogleCloud__influence-energy/ie1_layer.json" \
  --format html -o "$work/ie1.html" 2>/dev/null
cat > "$work/hostile.json" <<'JSON'
{"name":"<script>alert('name')</script>","versions":{"layer":"4.5","attack":"18"},"domain":"enterprise-attack",
 "description":"\"><img src=x onerror=alert(3)>","tacticRowBackground":"#000;}</style><script>alert(7)</script>","showTacticRowBackground":true,
 "links":[{"label":"click me","url":"javascript:alert(document.cookie)"}],
 "metadata":[{"name":"<b onmouseover=alert(8)>x</b>","value":"=1+1"}],
 "legendItems":[{"label":"<svg onload=alert(5)>","color":"red"}],
 "techniques":[{"techniqueID":"T1059","tactic":"execution","score":50,"comment":"</script><script>alert(1)</script><img src=x onerror=alert(2)>",
   "links":[{"label":"<i>evil</i>","url":" JaVaScRiPt:alert(10)"}],"color":"\" onmouseover=\"alert(9)"}]}
JSON
"$bin" --data "$shared/attack-data" render "$work/hostile.json" --format html -o "$work/hostile.html" 2>/dev/null
CHROMIUM="$chromium" node "$here/html.test.mjs" "$work/ie1.html" "$work/hostile.html"
