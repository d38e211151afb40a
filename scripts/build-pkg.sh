#!/usr/bin/env bash
# Builds the npm package `exotel-connect` (the crate in npm/ and the JS beside it) into pkg/ and
# packs it into pkg/exotel-connect-<version>.tgz.
#
# One wasm build, two sets of JS glue around the same optimised .wasm:
#   wasm-bindgen --target web     -> exotel_connect.js (ES module: browsers, Node ESM via node.mjs,
#                                    bundlers, Workers via workerd.mjs) + exotel_connect.d.ts
#   wasm-bindgen --target nodejs  -> exotel_connect.cjs (CommonJS `require`) + exotel_connect.d.cts
# Both runs emit byte-identical wasm (checked below), so the package ships it once. The ES module
# build is also copied to www/vendor/exotel-connect/ for the page.
#
# Offline: the wasm-bindgen CLI comes from `cargo install` (scripts/install-tools.sh, pinned to
# Cargo.lock's wasm-bindgen), wasm-opt from npm's binaryen (node_modules/.bin/wasm-opt) and
# esbuild from npm.
#
# Does nothing, in milliseconds, when pkg/ and www/vendor/exotel-connect/ are what the current
# sources make (scripts/build-stamp.sh): wrangler.toml's [build] runs it before every
# `wrangler dev` and `wrangler deploy` (scripts/build-deploy.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[build-pkg] %s\n' "$*" >&2; }
started=$(date +%s)

source scripts/build-stamp.sh
stamp_lock pkg
# Everything the build reads: the core's and the npm crate's sources, the package's JS, types,
# manifest, README and licences, the lock files (wasm-bindgen; esbuild and binaryen), this
# script and the pinned Rust tools.
outputs=(pkg www/vendor/exotel-connect)
inputs=$({
  digest_files src npm/Cargo.toml npm/src npm/api.js npm/node.mjs npm/workerd.mjs npm/package.json \
    Cargo.toml Cargo.lock package-lock.json docs/js.md LICENSE-MIT LICENSE-APACHE \
    scripts/build-pkg.sh scripts/check-no-fmt.sh
  pinned_tools
} | sha256sum | cut -d' ' -f1)
if stamp_current pkg "$inputs" "${outputs[@]}"; then
  log "pkg/ and www/vendor/exotel-connect/ are up to date"
  exit 0
fi

# A target dir of its own, so this build never waits on the Worker's cargo lock.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target/npm}"
WASM_TARGET=wasm32-unknown-unknown
OUT=target/npm/bindgen
PKG=pkg

scripts/install-tools.sh wasm
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ]; then
  scripts/install-tools.sh node
fi

# The CLI and the library must be the very same version, or the glue does not match the wasm.
lock_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
cli_version=$(wasm-bindgen --version | awk '{ print $2 }')
if [ "$lock_version" != "$cli_version" ]; then
  echo "wasm-bindgen CLI is $cli_version but Cargo.lock has $lock_version: run scripts/install-tools.sh wasm" >&2
  exit 1
fi

# The pinned nightly (scripts/install-tools.sh) rebuilds core and alloc for the package with
# the release profile's opt-level "z" (-Zbuild-std; the prebuilt ones are optimised for speed)
# and makes every panic a bare trap (-Cpanic=immediate-abort; the wasm is no_std and written
# never to panic): about 4 KB off the gzipped wasm every page downloads. `--cfg
# optimize_hot_paths` builds the core's few byte-by-byte loops for speed instead (src/lib.rs
# says which and why). The same code is tested on stable too (wasm-bindgen-test in
# scripts/test-js.sh, the Rust tests).
nightly=$(sed -n 's/^PKG_NIGHTLY=//p' scripts/install-tools.sh)
log "cargo +$nightly build -p exotel-connect-npm --release --target $WASM_TARGET -Zbuild-std=core,alloc"
RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort --cfg optimize_hot_paths" \
  cargo "+$nightly" build -p exotel-connect-npm --release --target "$WASM_TARGET" --lib -Zbuild-std=core,alloc
wasm="$CARGO_TARGET_DIR/$WASM_TARGET/release/exotel_connect_npm.wasm"
scripts/check-no-fmt.sh "$wasm"

rm -rf "$OUT" && mkdir -p "$OUT"
log "wasm-bindgen $cli_version (web, nodejs)"
# --out-name: the files are named for the package, not for the crate.
wasm-bindgen --target web --out-name exotel_connect --out-dir "$OUT/web" "$wasm"
wasm-bindgen --target nodejs --out-name exotel_connect --out-dir "$OUT/node" "$wasm"
if ! cmp -s "$OUT/web/exotel_connect_bg.wasm" "$OUT/node/exotel_connect_bg.wasm"; then
  echo "the web and nodejs builds emitted different wasm: the package cannot share one file" >&2
  exit 1
fi

rm -rf "$PKG" && mkdir -p "$PKG"
log "wasm-opt -Oz"
# binaryen 132 needs the features rustc's wasm32 target enables spelled out; names, producers
# and target_features are only for tools, not for running, so they are stripped. Merging
# similar functions and running -Oz to a fixed point take another 0.3 KB off. Inlining
# functions of up to 6 instructions everywhere (-Oz alone: 2) takes 0.2 KB more off, the
# calls being bigger than the bodies, and runs the readers 10-15% faster.
node_modules/.bin/wasm-opt --merge-similar-functions -Oz --always-inline-max-function-size=6 --converge \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --strip-debug --strip-producers --strip-target-features \
  "$OUT/web/exotel_connect_bg.wasm" -o "$PKG/exotel_connect_bg.wasm"

# The package's functions are JS (npm/api.js), appended to each glue file, around the wasm
# exports `wasm*`, which are internal: they lose their `export` here (their TypeScript
# declarations are skipped in Rust; the functions' are npm/src/api.d.ts).
PUBLIC="connectRequest connectTwoNumbersRequest callDetailsRequest parseCall parseResponse
  parseStatusCallback normalizePhone isExotelConnectError connect connectTwoNumbers callDetails
  customerWhitelistRequest whitelistDetailsRequest parseWhitelist"
sed 's/^export function \(wasm[A-Z]\)/function \1/' "$OUT/web/exotel_connect.js" >"$OUT/esm.js"
{ cat npm/api.js; echo "export { $(echo $PUBLIC | sed 's/ /, /g') };"; } >>"$OUT/esm.js"
grep -v '^exports\.wasm[A-Za-z]* = wasm[A-Za-z]*;$' "$OUT/node/exotel_connect.js" >"$OUT/cjs.cjs"
{ cat npm/api.js; for name in $PUBLIC; do echo "exports.$name = $name;"; done; } >>"$OUT/cjs.cjs"
if grep -q '^export function wasm\|^exports\.wasm' "$OUT/esm.js" "$OUT/cjs.cjs"; then
  echo "a wasm* export is still public: wasm-bindgen's glue changed shape" >&2
  exit 1
fi
# npm/api.js tells "call init() first" by the glue's module-level `wasm` (the instance's
# exports, unset until init() in the web build).
for glue in "$OUT/web/exotel_connect.js" "$OUT/node/exotel_connect.js"; do
  if ! grep -Eq '^let ([A-Za-z0-9_]+, )*wasm( =|;)' "$glue"; then
    echo "$glue declares no module-level \`wasm\`: wasm-bindgen's glue changed shape (npm/api.js reads it)" >&2
    exit 1
  fi
done
# Minified (esbuild's transform: whitespace, comments, local names; the module's imports and
# exports stay as they are): the glue is downloaded with the wasm by every page that uses it,
# and the .d.ts carries the documentation.
node_modules/.bin/esbuild --minify --format=esm --log-level=warning "$OUT/esm.js" --outfile="$PKG/exotel_connect.js"
node_modules/.bin/esbuild --minify --format=cjs --log-level=warning "$OUT/cjs.cjs" --outfile="$PKG/exotel_connect.cjs"
cp "$OUT/web/exotel_connect.d.ts" "$PKG/"
cp "$OUT/node/exotel_connect.d.ts" "$PKG/exotel_connect.d.cts"
cp npm/node.mjs npm/workerd.mjs "$PKG/"
cp LICENSE-MIT LICENSE-APACHE "$PKG/"
cp docs/js.md "$PKG/README.md"

version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
node -e '
  const fs = require("fs");
  const pkg = JSON.parse(fs.readFileSync("npm/package.json", "utf8"));
  pkg.version = process.argv[1];
  fs.writeFileSync(process.argv[2], JSON.stringify(pkg, null, 2) + "\n");
' "$version" "$PKG/package.json"

# Every file the package.json lists must exist, and nothing else is shipped.
node -e '
  const fs = require("fs");
  const pkg = JSON.parse(fs.readFileSync(process.argv[1] + "/package.json", "utf8"));
  for (const f of pkg.files) if (!fs.existsSync(process.argv[1] + "/" + f)) { console.error("missing " + f); process.exit(1); }
' "$PKG"

log "npm pack"
tarball=$(cd "$PKG" && npm pack --silent --pack-destination . 2>/dev/null | tail -n 1)
log "packed $PKG/$tarball"

# The page loads the ES module build without a bundler:
#   const m = await import('./vendor/exotel-connect/exotel_connect.js'); await m.default();
vendor=www/vendor/exotel-connect
rm -rf "$vendor" && mkdir -p "$vendor"
cp "$PKG/exotel_connect.js" "$PKG/exotel_connect_bg.wasm" "$PKG/exotel_connect.d.ts" "$vendor/"

stamp_record pkg "$inputs" "${outputs[@]}"
log "done in $(( $(date +%s) - started )) s"
scripts/pkg-size.sh
