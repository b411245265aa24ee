#!/usr/bin/env bash
# Installs what the build and the tests need, only where it is missing, so `make serve` and
# `make test` work on a fresh machine and cost nothing on a ready one.
#   scripts/setup.sh build    wasm target, rustfmt/clippy, Trunk, wasm-bindgen-cli, npm tools
#   scripts/setup.sh browser  Debian's Chromium and chromedriver
# Versions and the reasons behind them: ../shared/TOOLCHAIN.md and the README.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      say "adding $component"
      rustup component add "$component"
    fi
  done
  if ! trunk --version 2>/dev/null | grep -qF "$TRUNK_VERSION"; then
    # The newest Trunk needs a newer rustc than this machine has; this one builds (~10 min).
    say "installing trunk $TRUNK_VERSION (takes about 10 minutes, once)"
    cargo install --locked "trunk@$TRUNK_VERSION"
  fi
  # wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
  local bindgen
  bindgen=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if [ -z "$bindgen" ]; then
    echo "setup: no wasm-bindgen in Cargo.lock" >&2
    exit 1
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -qF "$bindgen" \
    || ! wasm-bindgen-test-runner --version 2>/dev/null | grep -qF "$bindgen"; then
    # Not --locked: a transitive dependency of the locked set was yanked.
    say "installing wasm-bindgen-cli $bindgen (about 2 minutes, once)"
    cargo install --force wasm-bindgen-cli --version "$bindgen"
  fi
  # npm tools: binaryen's wasm-opt (Debian's is too old and breaks the module) and
  # playwright-core. Reinstalled only when the lock file's contents change (a checksum, not a
  # timestamp: a fresh checkout or another worktree sharing node_modules has a newer lock
  # file with the same contents, and a needless `npm ci` racing another deletes its files).
  lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ "$(cat node_modules/.installed 2>/dev/null)" != "$lock_sum" ]; then
    say "installing npm tools (npm ci)"
    npm ci --no-audit --no-fund
    echo "$lock_sum" > node_modules/.installed
  fi
}

browser() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
  fi
}

case "${1:-}" in
  build) build_tools ;;
  browser) browser ;;
  *) echo "usage: $0 build|browser" >&2; exit 2 ;;
esac
