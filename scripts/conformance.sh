#!/usr/bin/env bash
# Regenerates the PMML conformance corpus's expected results with the reference evaluator,
# JPMML-Evaluator (see scripts/conformance.py for what is written). Installs a Java runtime from
# Debian's packages when `java` is missing, and the pinned Python packages
# (scripts/conformance-requirements.txt) into .cache/venv-jpmml (reinstalled only when that
# file changes). The test command does not run this: it compares with the recorded files.
# Extra arguments (--pypmml) go to conformance.py.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v java >/dev/null 2>&1; then
  echo "installing a Java runtime (openjdk-17-jre-headless)"
  apt-get update -qq
  apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
source scripts/python-venv.sh
python_venv .cache/venv-jpmml scripts/conformance-requirements.txt
cargo build --quiet --features cli
exec .cache/venv-jpmml/bin/python scripts/conformance.py --edgescore target/debug/edgescore "$@"
