#!/usr/bin/env bash
# Runs every fuzz target (fuzz/, cargo-fuzz and libFuzzer) for FUZZ_SECONDS each, one after the
# other, and prints a Markdown table: executions, speed, corpus and findings per target. Each
# target starts from the fixtures under tests/fixtures/ (copied into fuzz/corpus/<target>/,
# which keeps growing from run to run) and the inputs kept under tests/fixtures/fuzz/<target>/.
#
# Usage: FUZZ_SECONDS=120 scripts/fuzz.sh [target...]      (default: 60 s, every target)
# Needs: scripts/install-tools.sh fuzz (nightly and cargo-fuzz; `make fuzz` runs it first).
# Exit status: 1 when any target found something (crash, timeout, out of memory, leak).
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
ALL_TARGETS=(call_json call_xml error_body callback_urlencoded callback_multipart callback_json
  callback_sniffed whitelist phone worker_create_body)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

FIX=tests/fixtures
# Seeds per target: the fixtures of the format it reads (globs that match nothing are skipped).
seeds() {
  case "$1" in
    call_json) echo "$FIX"/calls/*.json "$FIX"/errors/*.json "$FIX"/malformed/*.json ;;
    call_xml) echo "$FIX"/calls/*.xml "$FIX"/errors/*.xml "$FIX"/malformed/*.xml "$FIX"/malformed/*.html ;;
    error_body) echo "$FIX"/errors/* "$FIX"/calls/* "$FIX"/malformed/* ;;
    callback_urlencoded) echo "$FIX"/callbacks/*.urlencoded "$FIX"/malformed/*.urlencoded ;;
    callback_multipart) echo "$FIX"/callbacks/*.multipart "$FIX"/malformed/*.multipart ;;
    callback_json) echo "$FIX"/callbacks/*.json "$FIX"/malformed/callback-*.json ;;
    # `*[!e]`: not the `.content-type` sidecars.
    callback_sniffed) echo "$FIX"/callbacks/*[!e] "$FIX"/calls/* "$FIX"/malformed/* ;;
    whitelist) echo "$FIX"/whitelist/*[!e] "$FIX"/errors/* ;;
    phone | worker_create_body) ;; # only the kept inputs
    *) echo "unknown fuzz target: $1 (known: ${ALL_TARGETS[*]})" >&2; exit 2 ;;
  esac
}
# libFuzzer dictionaries (fuzz/dicts/): the tokens of each format.
dict() {
  case "$1" in
    call_json | callback_json | worker_create_body) echo fuzz/dicts/json.dict ;;
    call_xml) echo fuzz/dicts/xml.dict ;;
    callback_urlencoded | callback_multipart) echo fuzz/dicts/form.dict ;;
    error_body | callback_sniffed | whitelist) echo fuzz/artifacts/all.dict ;; # all three, joined below
    phone) echo fuzz/dicts/phone.dict ;;
  esac
}

mkdir -p fuzz/artifacts/logs
cat fuzz/dicts/json.dict fuzz/dicts/xml.dict fuzz/dicts/form.dict > fuzz/artifacts/all.dict

# Build every target once (release, debug assertions and overflow checks on). No sanitizer:
# the crate is `#![forbid(unsafe_code)]`, so ASan would only slow it down; what is looked for
# is panics, failed properties, hangs and runaway memory.
FUZZ_FLAGS=(--sanitizer none --debug-assertions)
cargo +nightly fuzz build "${FUZZ_FLAGS[@]}" >&2

rows=()
total_findings=0
for target in "${TARGETS[@]}"; do
  corpus=fuzz/corpus/$target
  artifacts=fuzz/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  for seed in $(seeds "$target") "$FIX/fuzz/$target"/*; do
    [ -f "$seed" ] && cp "$seed" "$corpus/seed-$(basename "$seed")"
  done
  before=$(find "$artifacts" -type f | wc -l)
  log=fuzz/artifacts/logs/$target.log
  echo "[fuzz] $target for ${FUZZ_SECONDS}s (log: $log)" >&2
  status=0
  # -timeout: one input taking 10 s is a finding (a hang or quadratic blow-up), as is going
  # past 2 GB (-rss_limit_mb) or leaking.
  cargo +nightly fuzz run "${FUZZ_FLAGS[@]}" "$target" "$corpus" -- \
    -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
    -dict="$(dict "$target")" -print_final_stats=1 -artifact_prefix="$artifacts/" \
    >"$log" 2>&1 || status=$?

  # The final status line, `#N DONE cov: C ft: F corp: U/S lim: L exec/s: E rss: R`, or after a
  # crash the last `#N` line; the stat:: lines print the totals.
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  executions=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || true)
  [ -n "$executions" ] || executions=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
  per_second=$(grep -Eo 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || true)
  [ -n "$per_second" ] || per_second=$(grep -Eo 'exec/s: [0-9]+' <<<"$last" | grep -Eo '[0-9]+' || true)
  units=$(grep -Eo 'corp: [0-9]+/[0-9]+[bKMG]?b?' <<<"$last" | sed 's/corp: //' || true)
  coverage=$(grep -Eo 'cov: [0-9]+' <<<"$last" | grep -Eo '[0-9]+' || true)
  found=$(($(find "$artifacts" -type f | wc -l) - before))
  if [ "$status" -ne 0 ] && [ "$found" -eq 0 ]; then found=1; fi # failed without an artifact
  total_findings=$((total_findings + found))
  findings=$found
  if [ "$found" -gt 0 ]; then
    findings="$found (see $artifacts/, $log)"
  fi
  rows+=("| $target | $FUZZ_SECONDS | ${executions:-?} | ${per_second:-?} | ${units:-?} | ${coverage:-?} | $findings |")
done

{
  echo
  echo "| target | seconds | executions | exec/s | corpus (inputs/size) | coverage (edges) | findings |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
} | tee fuzz/artifacts/summary.md

[ "$total_findings" -eq 0 ]
