#!/usr/bin/env bash
# Tests of the demo site (www/): the rentals edge worker over HTTP in workerd on 127.0.0.1
# (every status, hostile bodies, limits, two isolates over one nonce namespace, a restart, key
# rotation, no outbound requests), the wallet and the checkout in headless Chromium
# (screenshots in test-artefacts/www/), the flood load test (short: it prints its figures and
# fails only on behaviour, not timing), and the Workers deployment bundled by wrangler without
# deploying. Builds what it needs (pkg/, the CLI, Chromium), which is quick when they are
# already there.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/build-pkg.sh >/dev/null
./scripts/install-chromium.sh
cargo build --release --features cli --quiet
node --test www/test/
node www/bench/load.mjs --flood --seconds 3 --rounds 2
