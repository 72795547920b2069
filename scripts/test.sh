#!/usr/bin/env bash
# The test command: everything CI runs, in this order. It installs what it needs, so it works
# on a fresh machine; tools it installs are cached (cargo's own folders persist between runs).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "toolchain: wasm32 target, rustfmt, clippy"
rustup target add wasm32-unknown-unknown >/dev/null
rustup component add rustfmt clippy >/dev/null 2>&1 || true

step "format"
cargo fmt --check

step "documentation: every relative link and anchor in the Markdown resolves; README.md within 25 KB"
node scripts/check-docs.mjs

step "lint (all targets, CLI included; unwrap/expect/panic/indexing denied outside tests)"
cargo clippy --all-targets --features cli -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --features wasm,terse-model-errors -- -D warnings

step "feature matrix (each feature alone, the shipped combinations, wasm32) and the MSRV build"
./scripts/check-features.sh

step "tests: unit, vectors, hostile table, golden scores, properties, CLI, the PKCS#11 signer on SoftHSM2"
./scripts/install-debian.sh softhsm2=/usr/lib/softhsm/libsofthsm2.so softhsm2=softhsm2-util
EDGESCORE_REQUIRE_SOFTHSM=1 cargo test --features cli

step "the core builds for wasm32-unknown-unknown with no features"
cargo build --lib --release --target wasm32-unknown-unknown

step "docs"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --features cli

step "peer comparison on German Credit: edgescore fit vs scorecardpy vs optbinning (same split)"
./scripts/compare_peers.sh

step "the Python package and the Apache Spark job: wheel, pytest, Spark local[2] on 100,000 people (scripts/test-python.sh)"
./scripts/test-python.sh

step "the JavaScript package (scripts/test-pkg.sh)"
./scripts/test-pkg.sh

step "the demo site: edge worker in workerd, wallet and checkout in Chromium (scripts/test-www.sh)"
./scripts/test-www.sh

printf '\nall checks passed\n'
