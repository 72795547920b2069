"""score_rows over pandas and Arrow: the scores the verifier gives for the same features."""

from __future__ import annotations

import json
import math

import pandas as pd
import pyarrow as pa

from edgescore import Issuer, Scorer, demo_models, score_rows

from conftest import NOW, ROOT

PEOPLE = json.loads((ROOT / "src" / "assets" / "demo" / "people.json").read_text(encoding="utf-8"))["people"]
CONSUMERS = [p for p in PEOPLE if p["schema"] == "edgescore.consumer.v1"]


def verifier_scores() -> list:
    issuer, scorer = Issuer(demo_key=True, now=NOW), Scorer()
    return [
        scorer.score(issuer.issue("demo-" + p["id"], p["schema"], p["features"]), now=NOW, disclose="full")
        for p in CONSUMERS
    ]


def test_pandas_rows_score_as_the_verifier_does():
    frame = pd.DataFrame([p["features"] for p in CONSUMERS], index=[p["id"] for p in CONSUMERS])
    scored = score_rows(frame)
    assert list(scored.index) == [p["id"] for p in CONSUMERS]
    for (_, row), full in zip(scored.iterrows(), verifier_scores()):
        assert row["score"] == full["score"]
        assert row["band"] == full["band"]
        assert pd.isna(row["error"])
        for name, value in full["dimensions"].items():
            assert row[f"dim_{name}"] == value
        shown = [reason["code"] for reason in full["reasons"]]
        assert list(row["reasons"])[: len(shown)] == shown


def test_arrow_rows_missing_values_and_bad_rows():
    # from_pandas: the union of every row's features (from_pylist would take the first row's).
    table = pa.Table.from_pandas(pd.DataFrame([p["features"] for p in CONSUMERS]))
    scored = score_rows(table)
    assert scored.column("score").to_pylist() == [r["score"] for r in verifier_scores()]
    # A missing value lands in the model's missing bin; a wrong type is an error row.
    frame = pd.DataFrame([dict(CONSUMERS[0]["features"]), dict(CONSUMERS[0]["features"])])
    frame["verified_assets_cny"] = frame["verified_assets_cny"].astype("float64")
    frame.loc[0, "verified_assets_cny"] = math.nan
    frame["online_orders_12m"] = frame["online_orders_12m"].astype(object)
    frame.loc[1, "online_orders_12m"] = "many"
    scored = score_rows(frame)
    assert pd.isna(scored.loc[0, "error"]) and scored.loc[0, "score"] > 0
    assert scored.loc[1, "error"] == "ERR_FEATURE_INVALID" and pd.isna(scored.loc[1, "score"])
    seller = score_rows(pd.DataFrame([p["features"] for p in PEOPLE if p["schema"] != "edgescore.consumer.v1"]), demo_models()["seller"])
    assert seller["error"].isna().all()


def test_fractional_points_stay_exact_to_their_six_places(tmp_path):
    from conftest import cli

    model = json.loads((ROOT / "src" / "assets" / "models" / "consumer.json").read_text(encoding="utf-8"))
    for bin in model["characteristics"][0]["bins"]:
        bin["points"] = bin["points"] + 0.25
    source = tmp_path / "model.json"
    source.write_text(json.dumps(model))
    signed = tmp_path / "model.jws"
    cli("sign-model", str(source), "--demo-key", "-o", str(signed))
    token = signed.read_text().strip()
    features = dict(CONSUMERS[0]["features"])
    whole = score_rows(pd.DataFrame([features]))
    scored = score_rows(pd.DataFrame([features]), token)
    assert str(scored["raw_score"].dtype) == "Float64"
    issuer = Issuer(demo_key=True, now=NOW, models=[token])
    full = Scorer(model=token).score(issuer.issue("x", CONSUMERS[0]["schema"], features), now=NOW, disclose="full")
    assert scored.loc[0, "score"] == full["score"]
    assert scored.loc[0, "raw_score"] == whole.loc[0, "raw_score"] + 0.25
