#!/usr/bin/env bash
# The main job on the embedded defaults. First, with the CLI: the demo issuer signs fresh
# snapshots (SD-JWT VCs) and its status list for the demo people, the merchant makes a
# presentation request for its model, each holder presents exactly the features it asks for,
# and the verifier scores them with the demo models, the status list and the default
# deposit-free rentals policy.
# Then the demo site on 127.0.0.1 (www/serve.mjs): the wallet, the checkout and the rentals
# edge worker in workerd, on freshly issued snapshots, until Ctrl-C. Arguments go to
# www/serve.mjs (--port N, default 8787 or $PORT). DEMO material only.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "Building the CLI and the WebAssembly package (pkg/; the first run installs wasm-bindgen-cli, a few minutes)…"
cargo build --release --features cli --quiet
mkdir -p .cache
if ! ./scripts/build-pkg.sh >.cache/build-pkg.log 2>&1; then
  cat .cache/build-pkg.log >&2
  exit 1
fi
edgescore=target/release/edgescore
out=.cache/demo
audience=https://rentals.example
deposit=39900   # an e-bike: 399 yuan, in fen

rm -rf "$out"
"$edgescore" demo --output-dir "$out" >/dev/null
echo "Demo material (issuer JWKS, signed models, policy, status list, snapshots, holder keys) in $out/"
echo "Renting an e-bike with a 399-yuan deposit from $audience:"
echo
for snapshot in "$out"/people/*.sd-jwt; do
  id=$(basename "$snapshot" .sd-jwt)
  model="$out/consumer.model.jws"
  if "$edgescore" inspect "$snapshot" | grep -q '"vct":"edgescore.seller.v1"'; then
    model="$out/seller.model.jws"
  fi
  "$edgescore" request --model "$model" --aud "$audience" > "$out/$id.request.json"
  nonce=$(sed 's/.*"nonce":"\([^"]*\)".*/\1/' "$out/$id.request.json")
  "$edgescore" present "$snapshot" --holder "$out/people/$id.holder.jwk.json" \
    --request "$out/$id.request.json" --out "$out/$id.presentation" >/dev/null
  printf '%-5s ' "$id"
  "$edgescore" score "$out/$id.presentation" --model "$model" --status-list "$out/status-list.jwt" \
    --nonce "$nonce" --aud "$audience" --deposit "$deposit"
done
echo
echo "What Lin sees in her wallet (full disclosure):"
nonce=$("$edgescore" nonce)
"$edgescore" present "$out/people/lin.sd-jwt" --holder "$out/people/lin.holder.jwk.json" \
  --nonce "$nonce" --aud "$audience" --out "$out/lin.presentation" >/dev/null
"$edgescore" --pretty score "$out/lin.presentation" --status-list "$out/status-list.jwt" \
  --nonce "$nonce" --aud "$audience" --deposit "$deposit" --disclose full
echo
echo "Starting the demo site: wallet, checkout and the rentals edge worker on workerd…"
exec node www/serve.mjs "$@"
