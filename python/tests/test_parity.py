"""Scorer gives the native core's results: the parity fixture (10,000 generated SD-JWT
presentations, some tampered, expired, wrongly presented, with features withheld, some revoked in
a status list: the file the WebAssembly package is held to) and the issue-batch fixture."""

from __future__ import annotations

import json
import subprocess

from edgescore import EdgescoreError, Scorer, demo_jwks, demo_models

from conftest import AUDIENCE, NOW, ROOT, cli_path

PARITY = ROOT / ".cache" / "parity.jsonl"


def parity_cases() -> tuple:
    """The header (with the status list the cases are checked against) and the cases."""
    assert PARITY.exists(), f"{PARITY} is missing: scripts/test-python.sh writes it (cargo run --example parity)"
    header, *cases = [json.loads(line) for line in PARITY.read_text(encoding="utf-8").splitlines() if line.strip()]
    return header, cases


def expected(entry: dict) -> dict:
    return {"error": entry["expect"]["error"]} if "error" in entry["expect"] else entry["expect"]


def test_parity_one_at_a_time_and_in_batches():
    header, cases = parity_cases()
    assert len(cases) >= 10_000
    models = demo_models()
    scorers = {name: Scorer(demo_jwks(), models[name], audience=AUDIENCE) for name in ("consumer", "seller")}
    for scorer in scorers.values():
        assert scorer.add_status_list(header["status_list"], now=NOW)["size"] > 0
    codes = {entry["expect"]["error"] for entry in cases if "error" in entry["expect"]}
    for code in ("ERR_FEATURE_NOT_DISCLOSED", "ERR_REVOKED", "ERR_SUSPENDED", "ERR_SIGNATURE_INVALID"):
        assert code in codes, code
    mismatches = []
    for index, entry in enumerate(cases):
        try:
            got = scorers[entry["model"]].score(
                entry["presentation"],
                now=NOW,
                nonce=entry.get("nonce"),
                context=entry.get("context"),
                disclose=entry["disclose"],
            )
        except EdgescoreError as error:
            got = {"error": error.code}
        if got != expected(entry):
            mismatches.append(f"line {index + 1}: native {expected(entry)} python {got}")
    assert mismatches[:5] == [], f"{len(mismatches)} mismatches"
    rejected = sum(1 for entry in cases if "error" in entry["expect"])
    assert 1000 < rejected < len(cases) - 1000
    # The same through score_many, which releases the GIL for the whole batch.
    batch_mismatches = 0
    for model in ("consumer", "seller"):
        for disclose in ("band", "full"):
            group = [e for e in cases if e["model"] == model and e["disclose"] == disclose]
            results = scorers[model].score_many(group, now=NOW, disclose=disclose)
            for entry, got in zip(group, results):
                if "error" in got:
                    got = {"error": got["error"]["code"]}
                batch_mismatches += got != expected(entry)
    assert batch_mismatches == 0


def test_the_cli_and_python_agree_on_the_issued_fixture(tmp_path):
    fixture = ROOT / "tests" / "vectors" / "issued-batch.jsonl"
    models = demo_models()
    for line in fixture.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        model = "seller" if row["expect"]["model"] == "demo-seller" else "consumer"
        now = row["iat"] + 3600
        result = Scorer(demo_jwks(), models[model]).score(row["snapshot"], now=now, disclose="full")
        assert (result["score"], result["band"]) == (row["expect"]["score"], row["expect"]["band"])
        token = tmp_path / "snapshot.jwt"
        token.write_text(row["snapshot"] + "\n")
        model_file = tmp_path / "model.jws"
        model_file.write_text(models[model] + "\n")
        native = subprocess.run(
            [cli_path(), "score", str(token), "--now", str(now), "--disclose", "full", "--model", str(model_file)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(native.stdout) == result
