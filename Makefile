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

.PHONY: help dev test pkg bench fuzz \
        test-native test-js test-worker test-browser \
        lint build-worker tools clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

dev: ## run the Worker and page at http://127.0.0.1:8787 (sandbox mode unless .dev.vars configures Exotel)
	$(INSTALL) worker node
	@# The page checks numbers with the npm package's wasm (www/vendor/), built by `make pkg`.
	@[ -f www/vendor/exotel-connect/exotel_connect.js ] || $(MAKE) --no-print-directory pkg
	scripts/dev.sh

test: test-native test-js test-worker test-browser ## every test: native, wasm, npm package, Worker in workerd, browser

tools: ## install every tool the build and tests use
	$(INSTALL) all

lint:
	$(INSTALL) rust
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --features worker --target $(WASM_TARGET) -- -D warnings
	cargo clippy --features worker --lib --tests -- -D warnings
	cargo clippy --features js --target $(WASM_TARGET) --lib -- -D warnings

test-native: lint ## the Rust core: unit, fixture and doc tests, and the wasm32 build of the core
	cargo test --all-targets
	cargo test --doc
	cargo build --target $(WASM_TARGET)
	@echo "core builds for $(WASM_TARGET)"

build-worker: ## build the Worker into build/ (worker-build, offline)
	$(INSTALL) worker node
	scripts/build-worker.sh

test-worker: build-worker ## the Worker in workerd (wrangler dev) against a mock Exotel on 127.0.0.1
	cargo test --features worker --lib worker::
	node --test --test-concurrency=1 tests/worker/

test-browser: pkg build-worker ## the page and widget in headless Chromium against the Worker (sandbox)
	$(INSTALL) browser
	node --test --test-concurrency=1 tests/browser/

pkg: ## build the npm package into pkg/ and pkg/exotel-connect-<version>.tgz
	$(INSTALL) wasm node
	scripts/build-pkg.sh

test-js: pkg ## npm package: wasm-bindgen-test (Node, Chromium); the tarball in Node, CJS, browser, esbuild, workerd
	$(INSTALL) browser
	scripts/test-js.sh

fuzz: ## the long fuzzing runs (not part of test): every fuzz target for FUZZ_SECONDS (default 60) each, then a table
	$(INSTALL) fuzz
	scripts/fuzz.sh

bench: pkg build-worker ## benchmarks beside their peers: sizes, core speed, Worker load, start-up; writes BENCHMARKS.md
	$(INSTALL) bench node
	scripts/bench.sh

clean:
	rm -rf target pkg build www/vendor .wrangler test-artifacts fuzz/target
