#!/usr/bin/env bash
# `make stress`: the Worker and browser suites, STRESS_RUNS times (default 5) in a row, beside a
# CPU load of their own (`stress --cpu 2`, as many workers as this machine's cores), to show
# that no test depends on the machine being idle. Prints one line per suite and run, and the
# tally; exits 1 if any run failed. Each run's output is kept in target/stress/.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${STRESS_RUNS:-5}
out=target/stress
mkdir -p "$out"
stress --cpu "$(nproc)" >/dev/null 2>&1 &
load=$!
trap 'kill "$load" 2>/dev/null || true' EXIT

failed=0
for run in $(seq 1 "$runs"); do
  for suite in worker browser; do
    log="$out/run-$run-$suite.log"
    started=$(date +%s)
    if node --test --test-concurrency=1 "tests/$suite/" >"$log" 2>&1; then verdict=passed; else verdict=FAILED; failed=$((failed + 1)); fi
    counts=$(grep -E '^# (tests|pass|fail) ' "$log" | awk '{printf "%s %s, ", $2, $3}')
    echo "run $run/$runs $suite: $verdict (${counts%, }) in $(($(date +%s) - started)) s, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
echo "$((runs * 2 - failed)) of $((runs * 2)) suite runs passed beside stress --cpu $(nproc)"
[ "$failed" -eq 0 ]
