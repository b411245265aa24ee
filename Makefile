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
NATIVE := -p tradelens-core -p tradelens-feedsim -p tradelens-bench

.PHONY: serve test bench size tools browser build check-format lint unit browser-test e2e clean

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

unit:
	cargo test --locked -p tradelens-core -p tradelens-feedsim

browser-test:
	cargo test --locked -p tradelens $(WASM) --test web --test analysis --test storage

e2e: build
	npm run --silent e2e

## Native benchmarks, each against a plain baseline measured in the same run.
bench: tools
	cargo bench --locked -p tradelens-bench

## Bundle size of the release build (raw, gzip, brotli).
size: build
	node scripts/size.mjs dist

clean:
	cargo clean
	rm -rf dist
