#!/usr/bin/env bash
# Prints the path of a program shipped as a binary in an npm package, unpacked once into
# .cache/NAME/VERSION/ and reused after: PACKAGE VERSION PATH-IN-PACKAGE NAME, for example
#   scripts/npm-binary.sh @oven/bun-linux-x64 1.4.5 bin/bun bun
# (scripts/node-binary.sh does this for Node.js). Only the binary and the package's LICENSE
# are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
package=$1 version=$2 path=$3 name=$4
dir=.cache/$name/$version
if [ ! -x "$dir/$path" ]; then
  rm -rf "$dir" "$dir.tmp"
  mkdir -p "$dir.tmp"
  (
    cd "$dir.tmp"
    tarball=$(npm pack "$package@$version" --silent)
    tar xzf "$tarball" "package/$path"
    tar xzf "$tarball" package/LICENSE 2>/dev/null || true
    rm "$tarball"
  )
  mv "$dir.tmp/package" "$dir" && rmdir "$dir.tmp"
fi
echo "$PWD/$dir/$path"
