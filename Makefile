# exotel-connect: every entry point a person or CI uses. Each target installs what it needs
# (scripts/install-tools.sh is idempotent: pinned versions, skipped when already present).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# Wrangler must never phone home: this machine has no route to Cloudflare, and tests talk to
# mocks on 127.0.0.1 only.
export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false
export WRANGLER_HIDE_BANNER := true
export CARGO_TERM_COLOR := never

INSTALL := scripts/install-tools.sh
WASM_TARGET := wasm32-unknown-unknown

.PHONY: help dev test pkg bench fuzz stress \
        test-native test-js test-worker test-browser \
        lint build-worker tools clean

help: ## list the targets, a line each
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

dev: ## run the Worker and page at http://127.0.0.1:8787 (sandbox mode unless .dev.vars configures Exotel), with the cron every minute
	scripts/dev.sh

test: lint test-native test-js test-worker test-browser ## every test: lint, native, wasm, npm package, Worker in workerd, browser

tools: ## install every tool the build and tests use
	$(INSTALL) all

lint: ## rustfmt and clippy (-D warnings) on every crate, natively and for wasm32
	$(INSTALL) rust
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	@# One wasm crate per run: the npm crate is no_std, and building it beside the Worker
	@# would unify wasm-bindgen's `std` feature into it.
	cargo clippy -p exotel-connect-worker --target $(WASM_TARGET) -- -D warnings
	cargo clippy -p exotel-connect-npm --target $(WASM_TARGET) -- -D warnings
	@# The JS that only `make bench` and the builds run, and no test imports, at least parses.
	@for f in benches/*.mjs scripts/*.mjs; do node --check "$$f" || exit 1; done

test-native: ## the Rust core: unit, fixture, fuzz-replay and doc tests, and its wasm32 build
	$(INSTALL) rust
	cargo test -p exotel-connect --all-targets
	cargo test -p exotel-connect --doc
	cargo build -p exotel-connect --target $(WASM_TARGET)
	@echo "core builds for $(WASM_TARGET)"

build-worker: ## build the Worker crate (worker/) into build/ (worker-build, offline)
	$(INSTALL) worker node
	scripts/build-worker.sh

test-worker: build-worker ## the Worker: its Rust unit tests, then in workerd (wrangler dev) against a mock Exotel on 127.0.0.1
	cargo test -p exotel-connect-worker --lib
	node --test --test-concurrency=1 tests/worker/

test-browser: pkg build-worker ## the page and widget in headless Chromium against the Worker (sandbox)
	$(INSTALL) browser
	node --test --test-concurrency=1 tests/browser/

pkg: ## build the npm package (npm/) into pkg/ and pkg/exotel-connect-<version>.tgz
	$(INSTALL) wasm node
	scripts/build-pkg.sh

test-js: pkg ## npm package: wasm-bindgen-test (Node, Chromium); the tarball in Node, CJS, browser, esbuild, workerd
	$(INSTALL) browser
	scripts/test-js.sh

fuzz: ## the long fuzzing runs (not part of test): every fuzz target for FUZZ_SECONDS (default 60) each, then a table
	$(INSTALL) fuzz
	scripts/fuzz.sh

bench: pkg build-worker ## benchmarks beside their peers: sizes, core speed, Worker load, start-up; the Worker against 1k-100k stored calls; writes BENCHMARKS.md
	$(INSTALL) bench node
	scripts/bench.sh

stress: pkg build-worker ## the Worker and browser suites STRESS_RUNS times (default 5) in a row beside `stress --cpu 2`; a line per run
	$(INSTALL) browser stress
	scripts/stress-suites.sh

clean: ## remove every build output and local state (target/, pkg/, build/, www/vendor/, .wrangler/)
	rm -rf target pkg build www/vendor .wrangler test-artifacts fuzz/target
