#!/usr/bin/env bash
# Peer comparison on German Credit: edgescore fit vs scorecardpy vs optbinning, on the same
# split (the one `edgescore fit --seed 1994` writes). Installs the pinned peers into a
# virtual environment cached in .cache/venv-peers (reinstalled only when
# scripts/peers-requirements.txt changes). Fails if edgescore's test AUC is more than 0.02
# below the better peer's. Extra arguments go to compare_peers.py.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/python-venv.sh
python_venv .cache/venv-peers scripts/peers-requirements.txt
cargo build --quiet --features cli
exec .cache/venv-peers/bin/python scripts/compare_peers.py --edgescore target/debug/edgescore "$@"
