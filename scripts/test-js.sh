#!/usr/bin/env bash
# Every test of the npm package (run after scripts/build-pkg.sh; `make test` does both):
#   1. wasm-bindgen-test on the JS boundary (npm/src/tests.rs), in Node and in headless Chromium;
#   2. the packed tarball installed into a fresh project (npm install <tarball>, offline) and
#      used from Node ESM, CommonJS, an esbuild bundle, a plain browser page and a browser
#      bundle in headless Chromium, connect() against the mock Exotel, and the .d.ts goldens
#      (node --test npm/tests/*.test.mjs).
# BLESS=1 rewrites the .d.ts goldens in npm/tests/golden/ from pkg/ (review the diff).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test-js] %s\n' "$*" >&2; }

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target/npm}"
if ! ls pkg/exotel-connect-*.tgz >/dev/null 2>&1; then
  log "no packed tarball in pkg/: building it"
  scripts/build-pkg.sh
fi
scripts/install-tools.sh wasm browser

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
log "wasm-bindgen-test, Node"
cargo test -p exotel-connect-npm --target wasm32-unknown-unknown --lib
log "wasm-bindgen-test, headless Chromium"
WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
  cargo test -p exotel-connect-npm --target wasm32-unknown-unknown --lib

consumer=$(mktemp -d "${TMPDIR:-/tmp}/exotel-connect-consumer-XXXXXX")
trap 'rm -rf "$consumer"' EXIT
log "npm install $(ls pkg/exotel-connect-*.tgz) into $consumer"
printf '{ "name": "consumer", "private": true, "type": "module" }\n' >"$consumer/package.json"
(cd "$consumer" && npm install --no-audit --no-fund --offline --loglevel=error "$OLDPWD"/pkg/exotel-connect-*.tgz)
printf 'export * from "exotel-connect";\nexport { default } from "exotel-connect";\n' >"$consumer/esm.mjs"
printf 'module.exports = require("exotel-connect");\n' >"$consumer/cjs.cjs"

log "node --test npm/tests/"
EXOTEL_CONSUMER_DIR="$consumer" node --test npm/tests/*.test.mjs
