#!/usr/bin/env bash
# The Python package and the Apache Spark job: installs the build and test tools
# (python/requirements-test.txt) into a virtual environment cached in .cache/venv-python
# (reinstalled only when that file changes) and Java from Debian when `java` is missing, builds
# the wheel with maturin into .cache/wheels, installs it into the environment as a user would,
# and runs pytest on python/tests (the Spark job runs in local[2] on 100,000 synthetic people).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.cache/venv-python
source scripts/python-venv.sh
python_venv "$venv" python/requirements-test.txt
./scripts/install-debian.sh openjdk-17-jre-headless=java

echo "building the wheel (maturin, feature python) into .cache/wheels and installing it"
python_wheel "$venv"

# The tests compare with the CLI on the same data, and with the parity fixture the
# WebAssembly package is held to (written by the native core, as scripts/test-pkg.sh does).
cargo build --release --quiet --features cli
cargo run --release --quiet --features demo-issuer --example parity -- .cache/parity.jsonl 10000
export EDGESCORE_CLI="$PWD/target/release/edgescore"
# From python/tests, so `import edgescore` finds the installed wheel, not the source folder.
cd python/tests
exec "../../$venv/bin/python" -m pytest -q -p no:cacheprovider . "$@"
