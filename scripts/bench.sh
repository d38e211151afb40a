#!/usr/bin/env bash
# `make bench`: sizes, core speed and Worker load, printed as Markdown tables. Figures only:
# nothing here passes or fails on a number (budgets are shown beside the sizes).
# Needs the npm package (scripts/build-pkg.sh) and the Worker (scripts/build-worker.sh) built.
set -euo pipefail
cd "$(dirname "$0")/.."

gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

echo "## Sizes"
echo
scripts/pkg-size.sh --header
wasm=build/index_bg.wasm js=build/index.js
echo "| Worker (build/index_bg.wasm + index.js) | $(kb $(( $(wc -c <"$wasm") + $(wc -c <"$js") ))) | $(kb $(( $(gz "$wasm") + $(gz "$js") ))) gz | Workers free plan: 3 MB gz |"
node tests/browser/size.mjs
echo
echo "## Core speed (native, release)"
echo
cargo bench --quiet --bench core 2>/dev/null
echo
echo "## Worker load"
echo
node benches/load.mjs
