#!/usr/bin/env bash
# Peer comparison on German Credit: edgescore fit vs scorecardpy vs optbinning, on the same
# split (the one `edgescore fit --seed 1994` writes). Installs the pinned peers into a
# virtual environment cached in .cache/venv-peers (reinstalled only when
# scripts/peers-requirements.txt changes). Fails if edgescore's test AUC is more than 0.02
# below the better peer's. Extra arguments go to compare_peers.py.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.cache/venv-peers
stamp="$venv/.installed-$(sha256sum scripts/peers-requirements.txt | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "installing the peer tools into $venv (first run only)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/peers-requirements.txt
  touch "$stamp"
fi
cargo build --quiet --features cli
exec "$venv/bin/python" scripts/compare_peers.py --edgescore target/debug/edgescore "$@"
