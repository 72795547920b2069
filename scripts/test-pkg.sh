#!/usr/bin/env bash
# Tests of the JavaScript package: builds pkg/ (size budget and dependency check included),
# runs the shared Rust cases compiled to WebAssembly in Node and in headless Chromium, then the
# package's own tests (API, parity with native on 10,000 snapshots, jose interop, workerd,
# Chromium), then the packed tarball as a consumer installs it (pkg/consumer/).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "build pkg/ (wasm32, wasm-bindgen, wasm-opt, size budget, wasm dependency check)"
./scripts/build-pkg.sh
./scripts/install-chromium.sh

step "native CLI and the parity fixture (10,000 generated snapshots with native results)"
cargo build --release --features cli
cargo run --release --features demo-issuer --example parity -- .cache/parity.jsonl 10000

step "shared cases in WebAssembly: Node, then headless Chromium"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
cargo test --target wasm32-unknown-unknown --features wasm,demo-issuer --test wasm
mkdir -p .cache
cat > .cache/webdriver.json <<'JSON'
{"goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
 "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync",
 "--no-first-run"]}}
JSON
WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON=.cache/webdriver.json \
  cargo test --target wasm32-unknown-unknown --features wasm,demo-issuer --test wasm

step "package tests: API, parity, jose interop, workerd, Chromium"
node --test pkg/test/

step "the package as integrators get it: npm pack, installed in a scratch project; TypeScript, Node 20-26, Deno, Bun, Jest, Vitest, Chromium (unbundled, esbuild, Bun, Vite, webpack, Rollup, Parcel), workerd, wrangler"
node --test pkg/consumer/
