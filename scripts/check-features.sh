#!/usr/bin/env bash
# Every feature on its own and the combinations that ship build without warnings, natively and
# (for the adapter) for wasm32; the terse-model-errors build passes its own tests; and the crate
# builds with the declared minimum Rust version (rust-version in Cargo.toml), which rustup
# installs once per machine. A loop rather than cargo-hack: the list is short and stays readable.
set -euo pipefail
cd "$(dirname "$0")/.."

# clippy with -D warnings checks the crate as `cargo check` would and denies warnings in
# edgescore alone (RUSTFLAGS would rebuild every dependency).
for features in "" demo-issuer issuer lifecycle pkcs11 python terse-model-errors cli "cli,terse-model-errors"; do
  echo "cargo clippy --lib --features '$features'"
  cargo clippy -q --lib --features "$features" -- -D warnings
done
for features in "" wasm "wasm,terse-model-errors"; do
  echo "cargo clippy --lib --target wasm32-unknown-unknown --features '$features'"
  cargo clippy -q --lib --target wasm32-unknown-unknown --features "$features" -- -D warnings
done

echo "cargo test --features demo-issuer,terse-model-errors --test it model (the terse messages)"
cargo test -q --features demo-issuer,terse-model-errors --test it model >/dev/null

msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
echo "MSRV $msrv: cargo +$msrv check --lib --bins --features cli"
rustup toolchain install "$msrv" --profile minimal >/dev/null 2>&1
CARGO_TARGET_DIR=target/msrv cargo "+$msrv" check -q --lib --bins --features cli
