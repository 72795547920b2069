#!/usr/bin/env bash
# Compares builds of the .wasm (not a test): each variant of the optimisation settings is built
# into .cache/builds/NAME (its own target folder, so a second run only relinks), bound and
# optimised as scripts/build-pkg.sh does, then `node pkg/bench/compare-builds.mjs` times the same
# 500 presentations in every build, interleaved in one Node process, and prints sizes, medians
# (CPU time) and ratios. `./scripts/bench-builds.sh [NAME...]` runs the named variants only.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/build-pkg.sh >/dev/null
mkdir -p .cache
[ -f .cache/parity.jsonl ] || cargo run --release --quiet --features demo-issuer --example parity -- .cache/parity.jsonl 10000

profile=profile.wasm-release
# name | wasm-opt flags | cargo --config settings (on top of Cargo.toml's profile)
variants=(
  "shipped|-Oz|"
  "z-dalek-s|-Oz|$profile.opt-level=\"z\";$profile.package.\"*\".opt-level=\"z\";$profile.package.curve25519-dalek.opt-level=\"s\""
  "z-dalek-3|-Oz|$profile.opt-level=\"z\";$profile.package.\"*\".opt-level=\"z\";$profile.package.curve25519-dalek.opt-level=3"
  "z-deps-3|-Oz|$profile.opt-level=\"z\""
  "s-deps-3|-Oz|$profile.opt-level=\"s\""
  "all-3|-Oz|$profile.opt-level=3"
  "shipped-O3|-O3|"
  "shipped-O2|-O2|"
  "shipped-Os|-Os|"
  "shipped-no-wasm-opt||"
)
wanted=("$@")
dirs=()
for variant in "${variants[@]}"; do
  IFS='|' read -r name flags settings <<<"$variant"
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  config=()
  IFS=';' read -ra parts <<<"$settings"
  for part in "${parts[@]}"; do [ -n "$part" ] && config+=(--config "$part"); done
  target=.cache/builds/target-${name%-O*}
  case $name in shipped*) target=.cache/builds/target-shipped ;; esac
  cargo build --quiet --lib --target wasm32-unknown-unknown --features wasm,terse-model-errors --profile wasm-release \
    --target-dir "$target" "${config[@]}"
  out=.cache/builds/$name
  rm -rf "$out"
  mkdir -p "$out/wasm"
  cp -r pkg/src "$out/src"
  cp pkg/wasm/demo.js pkg/wasm/policy.js "$out/wasm/"
  wasm-bindgen --target web --out-dir "$out/wasm" --out-name edgescore_core --experimental-reset-state-function \
    "$target/wasm32-unknown-unknown/wasm-release/edgescore.wasm"
  if [ -n "$flags" ]; then
    node_modules/.bin/wasm-opt $flags "$out/wasm/edgescore_core_bg.wasm" -o "$out/wasm/edgescore_core_bg.wasm"
  fi
  dirs+=("$out")
done
node pkg/bench/compare-builds.mjs "${dirs[@]}"
