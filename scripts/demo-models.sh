#!/usr/bin/env bash
# Reproduces the demo models from the seed: a synthetic population (`edgescore synth`), its
# features (`edgescore features`) joined to its outcomes, and `edgescore fit` refitting each
# demo model (`--template`: its schema, texts, labels, dimensions, reason codes, range and
# bands are kept; the characteristics are fitted anew). Writes src/assets/models/*.json and
# their demo-signed .model.jws, then prints each fit's held-out AUC and the band shares on the
# whole population and on a fresh one (seed 2027). docs/lifecycle.md ("The demo models")
# gives the figures and the choices: 40 points to double the odds and 680 points at 50:1, so
# that each band holds 5–40 % of the synthetic consumers.
set -euo pipefail
cd "$(dirname "$0")/.."

SEED=2026
PEOPLE=100000
VERSION=2026.12
work=.cache/demo-models
mkdir -p "$work"
cargo build --quiet --release --features cli
edgescore=target/release/edgescore

population() { # seed people dir
  "$edgescore" synth --people "$2" --seed "$1" --out "$3/people.jsonl" --outcomes "$3/outcomes.csv" >/dev/null
  "$edgescore" features --in "$3/people.jsonl" --out "$3/features.jsonl" >/dev/null
  for kind in consumer seller; do
    python3 scripts/demo_models.py join "$3/features.jsonl" "$3/outcomes.csv" "edgescore.$kind.v1" "$3/$kind.csv"
  done
}

mkdir -p "$work/fit" "$work/fresh"
population "$SEED" "$PEOPLE" "$work/fit"
for kind in consumer seller; do
  echo "== demo-$kind"
  "$edgescore" fit --data "$work/fit/$kind.csv" --target default_12m --bad 1 --seed "$SEED" \
    --template "src/assets/models/$kind.json" --id "demo-$kind" --model-version "$VERSION" \
    --pdo 40 --base-score 680 --base-odds 50 \
    --out "$work/$kind.json" --report "$work/$kind.fit-report.json"
  cp "$work/$kind.json" "src/assets/models/$kind.json"
  python3 scripts/demo_models.py layout "src/assets/models/$kind.json"
  "$edgescore" sign-model "src/assets/models/$kind.json" --demo-key -o "src/assets/models/$kind.model.jws" >/dev/null
done

population 2027 20000 "$work/fresh"
for kind in consumer seller; do
  for set in fit fresh; do
    "$edgescore" score-rows "src/assets/models/$kind.json" --input "$work/$set/$kind.csv" \
      --output "$work/$set/$kind.scored.jsonl" >/dev/null
    printf 'band shares, demo-%s, %s population: ' "$kind" "$set"
    python3 scripts/demo_models.py bands "$work/$set/$kind.scored.jsonl" "$work/$set/$kind.csv"
  done
done
