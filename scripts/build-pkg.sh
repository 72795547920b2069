#!/usr/bin/env bash
# Builds pkg/, the edgescore JavaScript package: the core compiled to WebAssembly, bound with
# wasm-bindgen (--target web) into pkg/wasm/, optimised with wasm-opt, then pkg/dist/ (what the
# package ships: one file per runtime, from pkg/src/ and the glue, scripts/pkg-bundle.mjs).
# Installs what it needs (wasm32 target, wasm-bindgen-cli, npm packages) and skips what is
# already there. Prints the sizes and fails past the budget or when a CLI-only dependency
# reaches the wasm build.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pin in Cargo.toml
out=pkg/wasm

rustup target add wasm32-unknown-unknown >/dev/null
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once per machine)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
./scripts/npm-install.sh

cargo build --lib --target wasm32-unknown-unknown --features wasm,terse-model-errors --profile wasm-release
rm -rf "$out"
wasm-bindgen --target web --out-dir "$out" --out-name edgescore_core --experimental-reset-state-function \
  target/wasm32-unknown-unknown/wasm-release/edgescore.wasm
node_modules/.bin/wasm-opt -Oz "$out/edgescore_core_bg.wasm" -o "$out/edgescore_core_bg.wasm"
node scripts/pkg-demo.mjs
node scripts/pkg-bundle.mjs

node scripts/pkg-report.mjs
./scripts/check-wasm-deps.sh
