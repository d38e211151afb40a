#!/usr/bin/env bash
# wrangler.toml's [build] command: builds everything the Worker serves, so that `wrangler deploy`
# from a clean clone ships a working page, and `make dev` and the tests run what deploy ships:
#   build/                      the Worker (scripts/build-worker.sh)
#   www/vendor/exotel-connect/  the npm package's wasm, which the page loads (scripts/build-pkg.sh)
# Each part is skipped in milliseconds when up to date (scripts/build-stamp.sh); wrangler runs
# this before every `wrangler dev` and `wrangler deploy`.
#
# The Rust tools are installed when a part needs building (scripts/install-tools.sh worker,
# wasm). The npm ones (esbuild, binaryen's wasm-opt) come with `npm ci`, like wrangler itself:
# one missing is reported, not installed, so a build never rewrites node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in node_modules/.bin/esbuild node_modules/.bin/wasm-opt; do
  if [ ! -x "$tool" ]; then
    echo "[build-deploy] missing $tool: run npm ci (scripts/install-tools.sh node)" >&2
    exit 1
  fi
done

scripts/build-worker.sh
scripts/build-pkg.sh
