#!/usr/bin/env bash
# The esbuild that scripts/build-worker.sh hands worker-build (its ESBUILD_BIN): the same esbuild
# from node_modules, bundling the Worker's own entry module (worker/js/entry.js) rather than the
# shim worker-build writes. worker-build runs it once, in its staging directory, as
# `esbuild ... ./shim.js --outfile=index.js ...`, beside the wasm-bindgen glue (index.js) that
# both entry modules import. That bundle also gets worker/js/microtask.js's `queueMicrotask`
# for every use of the global one (`--inject`; the glue's one use runs the wasm's futures).
# Anything else is passed through untouched.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
extra=()
for arg in "$@"; do
  if [ "$arg" = ./shim.js ]; then
    if [ ! -f index.js ] || ! grep -q __worker_init_state index.js; then
      echo "worker-esbuild: no wasm-bindgen glue with __worker_init_state in $PWD" >&2
      exit 1
    fi
    if ! grep -Eq '(^|[^.[:alnum:]_$])queueMicrotask\(' index.js; then
      echo "worker-esbuild: the wasm-bindgen glue in $PWD no longer calls queueMicrotask" >&2
      exit 1
    fi
    cp "$root/worker/js/entry.js" ./shim.js
    extra=("--inject:$root/worker/js/microtask.js")
  fi
done
exec "$root/node_modules/esbuild/bin/esbuild" "$@" "${extra[@]}"
