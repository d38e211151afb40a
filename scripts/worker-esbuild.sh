#!/usr/bin/env bash
# The esbuild that scripts/build-worker.sh hands worker-build (its ESBUILD_BIN): the same esbuild
# from node_modules, bundling the Worker's own entry module (worker/js/entry.js) rather than the
# shim worker-build writes. worker-build runs it once, in its staging directory, as
# `esbuild ... ./shim.js --outfile=index.js ...`, beside the wasm-bindgen glue (index.js) that
# both entry modules import. Anything else is passed through untouched.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
for arg in "$@"; do
  if [ "$arg" = ./shim.js ]; then
    if [ ! -f index.js ] || ! grep -q __worker_init_state index.js; then
      echo "worker-esbuild: no wasm-bindgen glue with __worker_init_state in $PWD" >&2
      exit 1
    fi
    cp "$root/worker/js/entry.js" ./shim.js
  fi
done
exec "$root/node_modules/esbuild/bin/esbuild" "$@"
