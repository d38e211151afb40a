# Sourced by scripts/build-worker.sh and scripts/build-pkg.sh: skips a build whose outputs are
# already what its current inputs make. wrangler runs wrangler.toml's [build] command before
# every `wrangler dev` and `wrangler deploy`, and the tests start `wrangler dev` a few hundred
# times, so an up-to-date build must cost milliseconds, not a cargo run.
#
# A stamp (target/stamps/NAME) holds a digest of the inputs the last build started from and one
# of the outputs it left. The build is up to date when both still match: digests of contents,
# not modification times, so a checkout, a copied build/ or a hand-edited output is rebuilt
# rather than trusted. A build that fails writes no stamp.

stamp_dir=target/stamps

# One digest of the names and contents of every file under the given paths (a missing path
# contributes nothing).
digest_files() {
  { find "$@" -type f -print0 2>/dev/null || true; } |
    LC_ALL=C sort -z | xargs -0 -r sha256sum | sha256sum | cut -d' ' -f1
}

# Holds target/stamps/NAME.lock until the calling script exits: builds started together (tests
# that start several Workers at once, each running the [build] command) run one at a time, and
# the later ones find the stamp written.
stamp_lock() {
  mkdir -p "$stamp_dir"
  exec 9>"$stamp_dir/$1.lock"
  flock 9
}

# stamp_current NAME INPUTS OUTPUT...: true when the last build of NAME started from INPUTS (a
# digest) and its outputs are unchanged since.
stamp_current() {
  local name=$1 inputs=$2
  shift 2
  [ -f "$stamp_dir/$name" ] && [ "$(cat "$stamp_dir/$name")" = "$inputs $(digest_files "$@")" ]
}

# stamp_record NAME INPUTS OUTPUT...: after a successful build from INPUTS.
stamp_record() {
  local name=$1 inputs=$2
  shift 2
  mkdir -p "$stamp_dir"
  printf '%s %s\n' "$inputs" "$(digest_files "$@")" >"$stamp_dir/$name"
}

# The tool versions scripts/install-tools.sh pins (nightly, wasm-bindgen, worker-build): a new
# one changes what a build makes.
pinned_tools() {
  grep -E '^(PKG_NIGHTLY|WASM_BINDGEN_VERSION|WORKER_BUILD_VERSION)=' scripts/install-tools.sh
}
