# TradeLens: `make serve` runs the app, `make test` runs every test. Both install whatever
# is missing first (scripts/setup.sh) and are quick once everything is installed.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := serve

# npm's wasm-opt (binaryen 132) must win over any other on PATH; see README.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CHROME_PATH ?= /usr/bin/chromium
PORT ?= 8080
WASM := --target wasm32-unknown-unknown
# Native packages: the core, the feed simulator, the benchmarks. The app is built for wasm32.
NATIVE := -p tradelens-core -p tradelens-feedsim -p tradelens-cli -p tradelens-bench

FUZZ_SECONDS ?= 300
FUZZ_TARGETS := binance coinbase kraken generic_csv generic_json shopify stripe chunk html

## Lighthouse accessibility and best-practices scores of the release build (mobile, desktop).
lighthouse: build browser
	scripts/lighthouse.sh

.PHONY: lighthouse fuzz serve test bench bench-native bench-wasm bench-browser bench-charts size tools browser build bench-storage bench-ingest feedsim-release check-format lint unit browser-test e2e clean

tools:
	@scripts/setup.sh build

browser:
	@scripts/setup.sh browser

## Release build into dist/: size-optimised (opt-level z, LTO, wasm-opt -Oz), CSP hashed.
build: tools
	trunk build --release

## Build, then serve dist/ on http://127.0.0.1:$(PORT) with the production CSP.
serve: build
	node scripts/serve.mjs dist $(PORT)

## Every test: format, clippy (warnings denied), native, browser and end-to-end tests.
test: tools browser check-format lint unit browser-test e2e

check-format:
	cargo fmt --all --check

lint:
	cargo clippy --locked $(NATIVE) --all-targets -- -D warnings
	cargo clippy --locked -p tradelens $(WASM) --all-targets -- -D warnings
	cargo clippy --locked -p tradelens-bench-wasm $(WASM) --all-targets -- -D warnings

unit:
	cargo test --locked -p tradelens-core -p tradelens-feedsim -p tradelens-cli

browser-test:
	cargo test --locked -p tradelens $(WASM) --test web --test analysis --test storage --test html --test share --test panel_kinds --test alerts --test charts --test keys

## The feed tests start the loopback simulator (crates/feedsim) themselves, from this binary.
e2e: build
	cargo build --locked -p tradelens-feedsim --bin feedsim
	FEEDSIM=target/debug/feedsim npm run --silent e2e

## Native benchmarks, then TradeLens against DuckDB-Wasm, Perspective and Arquero in headless
## Chromium (bench/web), the app's storage, and sustained ingest from feedsim (W5, after the
## storage run whose persisted rate it quotes): bench/results.json and the README tables.
## About 20 minutes on 2 cores once everything is built (README, "Benchmarks: TradeLens and
## its peers").
bench: tools browser bench-native bench-browser bench-storage bench-ingest

## Native benchmarks, each against a plain baseline measured in the same run. Every ingest
## benchmark runs in a process of its own: in a shared process a benchmark's figure depended
## on the heap the earlier ones (even the filter's regex) left behind, glibc then returning
## freed pages to the system and faulting them in again on every iteration (the batch path
## measured 35 M trades/s alone and half that after another benchmark).
ENGINE_BENCH := cargo bench --locked -q -p tradelens-bench --bench engine --
bench-native: tools
	cargo bench --locked -p tradelens-bench --no-run
	for b in $$($(ENGINE_BENCH) --list 'ingest/' | sed -n 's/: benchmark$$//p'); do \
	  $(ENGINE_BENCH) --exact "$$b"; \
	done
	$(ENGINE_BENCH) 'demo/'
	cargo bench --locked -p tradelens-bench --bench decode --bench stats --bench plot

## Fuzz every decoder (and stored-chunk decoding) for FUZZ_SECONDS each, seeded from
## fuzz/seeds. Needs the nightly toolchain rustup has on this kind of machine.
fuzz:
	@rustup run nightly rustc --version >/dev/null 2>&1 || { echo "make fuzz needs a nightly toolchain (rustup toolchain list)"; exit 1; }
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p corpus/$$t && cp -n seeds/$$t/* corpus/$$t/ 2>/dev/null; \
	  cargo +nightly fuzz run $$t corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -max_len=65536 || exit 1; \
	done

## The core engine for the browser benchmarks, built as the app is (release, wasm-opt -Oz).
BENCH_DIST := bench/web/dist
bench-wasm: tools
	cargo build --locked --release $(WASM) -p tradelens-bench-wasm
	wasm-bindgen --target web --out-dir $(BENCH_DIST) target/wasm32-unknown-unknown/release/tradelens_bench_wasm.wasm
	wasm-opt -Oz $(BENCH_DIST)/tradelens_bench_wasm_bg.wasm -o $(BENCH_DIST)/tradelens_bench_wasm_bg.wasm

## W1-W4 and the download comparison, which loads the release app (dist/) too.
bench-browser: bench-wasm build browser
	node bench/web/run.mjs

## Redraw of the app's line panel with 1,000,000 points (decimated) against 1,000 points,
## in the same page (issue 6): medians and ratio as JSON.
bench-charts: bench-wasm browser
	node bench/web/charts.mjs

## The app's own storage (issue 4), release build: CSV trades persisted per second, and
## navigation to a restored dashboard with 1,000,000 stored trades (bench/web/storage.mjs).
bench-storage: build browser
	node bench/web/storage.mjs

## W5: the release app's sustained ingest from a release feedsim, the highest rate it keeps up
## with found by a ladder of rates then bisection (a few minutes); quotes S1's persisted rate.
bench-ingest: build browser feedsim-release
	FEEDSIM=target/release/feedsim node bench/web/ingest.mjs

feedsim-release:
	cargo build --locked --release -p tradelens-feedsim --bin feedsim

## Bundle size of the release build (raw, gzip, brotli).
size: build
	node scripts/size.mjs dist

clean:
	cargo clean
	rm -rf dist
