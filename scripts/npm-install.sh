#!/usr/bin/env bash
# Installs the npm packages of package-lock.json unless node_modules already holds exactly them.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.edgescore-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
