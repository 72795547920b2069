#!/usr/bin/env bash
# The package benchmark (not a test): builds what it needs, then prints medians and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-pkg.sh >/dev/null
./scripts/install-chromium.sh
cargo build --release --features cli --quiet
mkdir -p .cache
cargo run --release --quiet --features demo-issuer --example parity -- .cache/parity.jsonl 10000
cargo build --release --quiet --features demo-issuer --example bench_presentations
node pkg/bench/bench.mjs
