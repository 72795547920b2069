#!/usr/bin/env bash
# Fails when the WebAssembly build depends on anything outside the reviewed list below, in
# particular on a dependency only the CLI should have (clap, rayon, indicatif, …).
set -euo pipefail
cd "$(dirname "$0")/.."

allowed=" edgescore curve25519-dalek curve25519-dalek-derive cfg-if digest block-buffer generic-array
  typenum crypto-common subtle zeroize ed25519-dalek ed25519 signature sha2 cpufeatures getrandom
  wasm-bindgen wasm-bindgen-macro wasm-bindgen-macro-support wasm-bindgen-shared wasm-bindgen-backend
  js-sys once_cell rustversion bumpalo log proc-macro2 quote syn unicode-ident version_check libc
  fiat-crypto semver rustc_version r-efi wasip2 wit-bindgen talc allocator-api2 lock_api scopeguard
  serde serde_core serde_derive miniz_oxide adler2 "

allowed=" $(tr -s '[:space:]' ' ' <<<"$allowed") "

tree() { cargo tree --edges normal --prefix none --format '{p}' "$@" | sed 's/ v[0-9].*//; s/ (.*//' | sort -u; }
wasm_deps=$(tree --target wasm32-unknown-unknown --features wasm)
cli_only=$(comm -23 <(tree --features cli) <(tree))

status=0
for dep in $wasm_deps; do
  if grep -qx "$dep" <<<"$cli_only" && [ "$dep" != getrandom ]; then
    echo "CLI-only dependency in the wasm build: $dep"; status=1
  elif [[ "$allowed" != *" $dep "* ]]; then
    echo "unreviewed dependency in the wasm build: $dep (add it to scripts/check-wasm-deps.sh after review)"; status=1
  fi
done
[ $status -eq 0 ] && echo "wasm dependencies: $(wc -w <<<"$wasm_deps") crates, all reviewed, none CLI-only"
exit $status
