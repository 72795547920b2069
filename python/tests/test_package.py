"""The Python package as users get it: Issuer, Scorer, errors, GIL release, type stubs."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

import edgescore
from edgescore import EdgescoreError, Issuer, Scorer

from conftest import AUDIENCE, NOW, ROOT, cli

DEMO_PEOPLE = json.loads((ROOT / "src" / "assets" / "demo" / "people.json").read_text(encoding="utf-8"))["people"]


def demo_person(person_id: str) -> dict:
    return next(p for p in DEMO_PEOPLE if p["id"] == person_id)


def test_issue_and_score_a_demo_person():
    issuer = Issuer(demo_key=True, now=NOW)
    lin = demo_person("lin")
    snapshot = issuer.issue("demo-lin", lin["schema"], lin["features"])
    result = Scorer().score(snapshot, now=NOW + 60, disclose="full", context={"deposit": 39900})
    assert result["band"] == "excellent"
    assert result["score"] == 724  # as the README shows for Lin
    assert result["model"]["id"] == "demo-consumer"
    # The CLI verifies what Python issued and scores it the same.
    path = ROOT / "target" / "python-lin.jwt"
    path.write_text(snapshot + "\n")
    scored = json.loads(cli("score", str(path), "--now", str(NOW + 60), "--disclose", "full", "--deposit", "39900").stdout)
    assert scored == result


def test_errors_are_one_class_with_the_code():
    issuer = Issuer(demo_key=True, now=NOW)
    cases = [
        (lambda: Issuer(demo_key=True, now=-1), "ERR_CONFIG_INVALID"),
        (lambda: Issuer(demo_key=True, now=99_999_999_999_999), "ERR_CONFIG_INVALID"),
        (lambda: Issuer(demo_key=True, now=NOW, iss=""), "ERR_CONFIG_INVALID"),
        (lambda: Issuer(demo_key=True, now=NOW, aud=["https://x.example/" + "a" * 250] * 2), "ERR_CONFIG_INVALID"),
        (lambda: Issuer(now=NOW, iss="https://bureau.example"), "ERR_CONFIG_INVALID"),
        (lambda: Issuer("{}", now=NOW, iss="https://bureau.example"), "ERR_KEY_INVALID"),
        (lambda: issuer.issue("x", "acme.v9", {}), "ERR_SCHEMA_MISMATCH"),
        (lambda: issuer.issue("x", "edgescore.consumer.v1", {"online_orders_12m": "many"}), "ERR_FEATURE_INVALID"),
        (lambda: issuer.issue("x", "edgescore.consumer.v1", '{"a":1,"a":2}'), "ERR_MALFORMED"),
        (lambda: Scorer().score("not.a.token", now=NOW), "ERR_MALFORMED"),
        (lambda: Scorer(leeway_seconds=10**9), "ERR_CONFIG_INVALID"),
        (lambda: Scorer().score("x", now=NOW, disclose="everything"), "ERR_CONFIG_INVALID"),
        (lambda: Issuer(demo_key=True, now=NOW, status_uri="https://bureau.example/status/1").issue("x", "edgescore.consumer.v1", {}), "ERR_CONFIG_INVALID"),
        (
            lambda: Issuer(
                pkcs11={"module": "/nonexistent/libpkcs11.so", "token": "t", "key": "k", "pin": "1"},
                iss="https://bureau.example",
                now=NOW,
            ),
            "ERR_SIGNING_FAILED",
        ),
    ]
    for make, code in cases:
        with pytest.raises(EdgescoreError) as raised:
            make()
        assert raised.value.code == code, raised.value
        assert raised.value.message and str(raised.value).startswith(code)
    assert "ERR_TOO_MANY_REJECTED" in edgescore.error_codes()


def test_issue_rows_reports_each_bad_row():
    issuer = Issuer(demo_key=True, now=NOW)
    lin = demo_person("lin")
    features = json.dumps(lin["features"])
    snapshots, jtis, indexes, codes, messages = issuer.issue_rows(
        ["demo-lin", "x", "y"], [lin["schema"], "acme.v9", lin["schema"]], [features, features, "[1]"]
    )
    assert snapshots[0] and snapshots[1] is None and snapshots[2] is None
    assert snapshots[0].count("~") >= 10, "an SD-JWT in its issuance form, one disclosure per feature"
    assert jtis[0] and indexes == [None, None, None]
    assert codes == [None, "ERR_SCHEMA_MISMATCH", "ERR_MALFORMED"]
    assert messages[0] is None and messages[1]


def test_status_lists_revoke_what_python_issued():
    issuer = Issuer(demo_key=True, now=NOW, status_uri="https://demo-bureau.example/status/py", status_size=64)
    lin = demo_person("lin")
    snapshots, _, indexes, codes, _ = issuer.issue_rows(
        ["demo-lin", "demo-lin-2"], [lin["schema"]] * 2, [lin["features"]] * 2, status_ordinals=[0, 1]
    )
    assert codes == [None, None] and len(set(indexes)) == 2 and all(0 <= i < 64 for i in indexes)
    scorer = Scorer()
    assert scorer.add_status_list(issuer.status_list_token(), now=NOW)["size"] == 64
    assert scorer.score(snapshots[0], now=NOW + 60)["band"]
    # Revoke the first with the CLI and hold the new list: the first is refused, the second is not.
    work = ROOT / "target" / "python-status"
    work.mkdir(parents=True, exist_ok=True)
    (work / "list.jwt").write_text(issuer.status_list_token() + "\n")
    cli("revoke", "--status-list", str(work / "list.jwt"), "--index", str(indexes[0]), "--demo-key", "--now", str(NOW + 10))
    scorer.add_status_list((work / "list.jwt").read_text().strip(), now=NOW + 20)
    with pytest.raises(EdgescoreError) as raised:
        scorer.score(snapshots[0], now=NOW + 60)
    assert raised.value.code == "ERR_REVOKED"
    assert scorer.score(snapshots[1], now=NOW + 60)["band"]


def test_the_gil_is_released_while_signing():
    issuer = Issuer(demo_key=True, now=NOW)
    lin = demo_person("lin")
    rows = 20_000
    ticks = 0
    running = True

    def count():
        nonlocal ticks
        while running:
            ticks += 1
            time.sleep(0)

    counter = threading.Thread(target=count)
    counter.start()
    try:
        ticks_before = ticks
        issuer.issue_rows(["demo-lin"] * rows, [lin["schema"]] * rows, [json.dumps(lin["features"])] * rows)
        ticks_during = ticks - ticks_before
    finally:
        running = False
        counter.join()
    # With the GIL held for the whole call the counting thread could not run at all.
    assert ticks_during > 100, ticks_during


def test_type_stubs_ship_with_the_package():
    package = Path(edgescore.__file__).parent
    assert (package / "py.typed").exists()
    stub = (package / "_edgescore.pyi").read_text()
    for name in ("class EdgescoreError", "class PyIssuer", "class PyScorer", "def score_feature_rows"):
        assert name in stub


def test_pkcs11_and_key_files_follow_the_cli_rules(tmp_path):
    key = tmp_path / "issuer.jwk.json"
    made = cli("keygen", "--private", str(key), "--jwks", str(tmp_path / "issuer.jwks.json"))
    assert made.returncode == 0
    text = edgescore.read_private_key(key)
    issuer = Issuer(text, iss="https://bureau.example", now=NOW)
    assert issuer.kid == json.loads(made.stdout)["kid"]
    key.chmod(0o644)
    with pytest.raises(EdgescoreError) as raised:
        edgescore.read_private_key(key)
    assert raised.value.code == "ERR_CONFIG_INVALID"
    assert edgescore.read_private_key(key, allow_insecure_permissions=True) == text
