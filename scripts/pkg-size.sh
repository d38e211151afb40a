#!/usr/bin/env bash
# Prints the npm package's download size as a Markdown table row: the wasm plus the JS glue a
# runtime loads (exotel_connect.js; CommonJS users load exotel_connect.cjs instead, about the
# same size), raw and gzipped (gzip -9), against the 40 KB gzipped budget.
#
# Usage: scripts/pkg-size.sh [--header] [--check]   (after scripts/build-pkg.sh)
#   --header  print the table's header lines first
#   --check   exit 1 when over budget
set -euo pipefail
cd "$(dirname "$0")/.."

BUDGET=$((40 * 1024))
header=false check=false
for arg in "$@"; do
  case "$arg" in
    --header) header=true ;;
    --check) check=true ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

wasm=pkg/exotel_connect_bg.wasm glue=pkg/exotel_connect.js
for f in "$wasm" "$glue"; do
  [ -f "$f" ] || { echo "$f is missing: run scripts/build-pkg.sh first" >&2; exit 1; }
done
raw() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
wasm_raw=$(raw "$wasm") wasm_gz=$(gz "$wasm") glue_raw=$(raw "$glue") glue_gz=$(gz "$glue")
total_raw=$((wasm_raw + glue_raw)) total_gz=$((wasm_gz + glue_gz))
verdict=$([ "$total_gz" -le "$BUDGET" ] && echo "within" || echo "OVER")

if $header; then
  echo "| artifact | wasm raw | wasm gzip | glue raw | glue gzip | total raw | total gzip | budget (gzip) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
fi
echo "| npm package (exotel_connect_bg.wasm + exotel_connect.js) | $wasm_raw | $wasm_gz | $glue_raw | $glue_gz | $total_raw | $total_gz | $verdict $BUDGET |"

if $check && [ "$verdict" = OVER ]; then
  exit 1
fi
