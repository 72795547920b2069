#!/usr/bin/env bash
# Issuer figures on real files, as a bureau runs the CLI: synth → features → issue-batch.
# Prints each command's summary: features gives raw events per second and peak memory
# (VmHWM), issue-batch gives snapshots per second with 1 and 2 threads. Figures, not
# assertions. PEOPLE (default 1000000) and DIR (default a temporary folder, removed unless
# KEEP=1) can be set. Needs about 5 GB of disk per million people.
set -euo pipefail
cd "$(dirname "$0")/.."
PEOPLE="${PEOPLE:-1000000}"
DIR="${DIR:-$(mktemp -d)}"
cargo build --release --features cli --quiet
bin="$PWD/target/release/edgescore"
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"; }
trap cleanup EXIT

echo "== synth: $PEOPLE people"
"$bin" synth --people "$PEOPLE" --seed 2026 --out "$DIR/people.jsonl" --outcomes "$DIR/outcomes.csv"
ls -l "$DIR/people.jsonl" | awk '{printf "people.jsonl: %.1f GB\n", $5 / 1e9}'

echo "== features (both passes; peak_rss_bytes is the whole process)"
"$bin" features --in "$DIR/people.jsonl" --out "$DIR/features.jsonl" --errors "$DIR/features.errors.jsonl"

for threads in 1 2; do
  echo "== issue-batch, $threads thread(s)"
  "$bin" issue-batch --in "$DIR/features.jsonl" --out "$DIR/snapshots.jsonl" --errors "$DIR/batch.errors.jsonl" \
    --demo-key --now 1790000000 --threads "$threads" --restart
done

echo "== score the first snapshot with the core"
head -1 "$DIR/snapshots.jsonl" | sed 's/.*"snapshot":"\([^"]*\)".*/\1/' > "$DIR/first.sd-jwt"
"$bin" score "$DIR/first.sd-jwt" --now 1790000100 --disclose full | cut -c1-200
