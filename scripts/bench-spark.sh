#!/usr/bin/env bash
# Snapshots per second, CLI against the Apache Spark job on the same people, key and --now on
# this machine (python/bench/bench_spark.py). Builds and installs the wheel as the test command does
# (scripts/test-python.sh must have run once). PEOPLE (default 100000) and RUNS (rounds, default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.cache/venv-python
[ -x "$venv/bin/python" ] || { echo "run scripts/test-python.sh first (it makes $venv)" >&2; exit 1; }
source scripts/python-venv.sh
python_wheel "$venv"
cargo build --release --quiet --features cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$OLDPWD/$venv/bin/python" -W ignore::FutureWarning "$OLDPWD/python/bench/bench_spark.py" "$OLDPWD/target/release/edgescore" "$work" "${PEOPLE:-100000}" "${RUNS:-3}"
