#!/usr/bin/env bash
# Builds the Cloudflare Worker (the crate in worker/) into build/ at the top of the repository,
# where wrangler.toml's `main` points: build/index.js (the entry module and the wasm-bindgen
# glue) and build/index_bg.wasm.
#
# Offline: worker-build would download wasm-bindgen and wasm-opt from GitHub and esbuild from
# npm; it is handed local binaries instead (wasm-bindgen from `cargo install`, esbuild and
# binaryen's wasm-opt from node_modules). wasm-opt runs here rather than inside worker-build,
# because worker-build keeps the names section (--debuginfo), which is dead weight in production.
# Its esbuild is scripts/worker-esbuild.sh, which bundles the Worker's own entry module
# (worker/js/entry.js) instead of the shim worker-build writes.
#
# Does nothing, in milliseconds, when build/ is what the current sources make
# (scripts/build-stamp.sh): wrangler runs it before every `wrangler dev` and `wrangler deploy`.
#
# Usage: scripts/build-worker.sh            release build, optimised (what deploy and tests use)
#        WORKER_BUILD_FAST=1 scripts/...     skip wasm-opt (quicker edit-run loop, bigger wasm)
# Installs the Rust tools it needs (scripts/install-tools.sh worker); the npm ones come with
# `npm ci` (scripts/install-tools.sh node).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

log() { printf '[build-worker] %s\n' "$*" >&2; }

source scripts/build-stamp.sh
stamp_lock worker
# Everything the build reads: the Worker's and the core's crates, the lock file, the npm tools'
# versions (esbuild, binaryen), this script and the pinned Rust tools, and whether wasm-opt runs.
inputs=$({
  digest_files worker/Cargo.toml worker/src worker/js src Cargo.toml Cargo.lock package-lock.json \
    scripts/build-worker.sh scripts/worker-esbuild.sh scripts/worker-unexport.mjs
  pinned_tools
  echo "WORKER_BUILD_FAST=${WORKER_BUILD_FAST:-}"
} | sha256sum | cut -d' ' -f1)
if stamp_current worker "$inputs" build; then
  log "build/ is up to date"
  exit 0
fi
scripts/install-tools.sh worker
need() { # path-or-command, what installs it
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
    log "missing $1: run scripts/install-tools.sh $2"
    exit 1
  fi
}

export PATH="$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen || true)}"
export ESBUILD_BIN="$root/scripts/worker-esbuild.sh"
wasm_opt="${WASM_OPT_BIN:-$root/node_modules/.bin/wasm-opt}"
# worker-build looks for WASM_OPT_BIN only when it runs wasm-opt; --no-opt below means never, but
# set it anyway so no code path can reach for a download.
export WASM_OPT_BIN="$wasm_opt"

need worker-build worker
need "${WASM_BINDGEN_BIN:-wasm-bindgen}" worker
need "$root/node_modules/esbuild/bin/esbuild" node

# The pinned nightly (scripts/install-tools.sh) rebuilds std for the Worker with the release
# profile's opt-level "z" (-Zbuild-std; the prebuilt one is optimised for speed) and makes every
# panic a bare trap (-Cpanic=immediate-abort), as the npm build does: the panic machinery and
# its message formatting go, about 17 KB of the gzipped wasm every cold start compiles. A panic
# already aborted the request (panic = "abort"); the code is written not to panic, and
# the same code is tested natively on stable (`cargo test -p exotel-connect-worker`). Its own
# target directory, so stable builds (clippy, tests) and this one do not rebuild each other.
nightly=$(sed -n 's/^PKG_NIGHTLY=//p' scripts/install-tools.sh)
export RUSTUP_TOOLCHAIN="$nightly"
export CARGO_TARGET_DIR="$root/target/worker"
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"

start=$(date +%s)
log "cargo +$nightly build (release, worker/, -Zbuild-std) + wasm-bindgen + esbuild"
# worker-build builds the crate in the current directory and writes ./build/.
(cd worker && worker-build --release --no-opt)
rm -rf build && mv worker/build build

wasm=build/index_bg.wasm
# The dependencies' wasm-bindgen classes, which this Worker never hands to JS, are exported all
# the same; without their exports wasm-opt drops their code (the script says why it is safe).
node scripts/worker-unexport.mjs "$wasm" build/index.js >&2
if [ -z "${WORKER_BUILD_FAST:-}" ]; then
  need "$wasm_opt" node
  log "wasm-opt -Oz"
  # The feature list is the one worker-build passes (what workerd accepts), minus --debuginfo.
  # A function with one caller is inlined into it only when tiny (-Oz alone: at any size): the
  # gzipped wasm is 5 KB smaller, and a function's rarely taken branches stay functions of their
  # own, which V8 compiles when first called rather than with the code around them.
  "$wasm_opt" "$wasm" -o "$wasm.opt" --merge-similar-functions -Oz --one-caller-inline-max-function-size=20 \
    --strip-debug --strip-producers \
    --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-bulk-memory --enable-multivalue --enable-reference-types --enable-exception-handling
  mv "$wasm.opt" "$wasm"
fi

raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
log "built $wasm: $raw bytes, $gz gzipped, in $(( $(date +%s) - start ))s"
stamp_record worker "$inputs" build
