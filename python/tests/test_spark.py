"""The Apache Spark job in local[2] on PEOPLE (100,000) synthetic people: every snapshot the
CLI's issue-batch makes for the same people, --now and key, byte for byte; manifests written
last and matching the files; a rerun writes byte-identical partitions; a rerun with other
parameters is refused; rejected rows go to their own table with their code."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from edgescore import EdgescoreError
from edgescore.spark import issue_snapshots, read_snapshots

from conftest import NOW, PEOPLE, cli


def files_by_name(root: Path) -> dict:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != "_run.json"
    }


@pytest.fixture(scope="module")
def job(spark, population, work):
    output = work / "spark-out"
    # Spark's own split of the input (no shuffle), as the bench runs it.
    manifest = issue_snapshots(spark, str(population["parquet"]), str(output), now=NOW, demo_key=True, json_lines=True)
    return output, manifest


def test_every_snapshot_is_the_clis_byte_for_byte(spark, population, job):
    output, manifest = job
    assert manifest["rows"] == PEOPLE and manifest["rejected"] == 0
    issued = {row["sub"]: row["snapshot"] for row in pq.read_table(output / "snapshots").select(["sub", "snapshot"]).to_pylist()}
    assert len(issued) == PEOPLE
    cli_snapshots = population["cli_snapshots"]
    differing = [sub for sub in cli_snapshots if issued.get(sub) != cli_snapshots[sub]]
    assert differing[:3] == [] and len(differing) == 0
    assert read_snapshots(spark, str(output)).count() == PEOPLE
    # A sample verifies and scores with the CLI.
    for sub in random.Random(7).sample(sorted(issued), 5):
        token = output.parent / "sample.jwt"
        token.write_text(issued[sub] + "\n")
        verified = json.loads(cli("verify", str(token), "--now", str(NOW + 60)).stdout)
        assert verified["sub"] == sub
        cli("score", str(token), "--now", str(NOW + 60))


def test_manifests_are_written_last_and_match_the_files(job):
    output, manifest = job
    partitions = manifest["partitions"]
    assert partitions >= 2 and len(manifest["partition_manifests"]) == partitions
    assert manifest["parameters"]["layout"]["split"] == "files"
    assert manifest["parameters"]["iat"] == NOW
    total = 0
    for entry in manifest["partition_manifests"]:
        part = json.loads((output / "_manifests" / f"part-{entry['partition']:05d}.json").read_text())
        assert part["kid"] == manifest["kid"] and part["parameters"] == manifest["parameters"]
        for role in ("snapshots", "rejected", "json_lines"):
            described = part["files"][role]
            path = output / described["file"]
            assert hashlib.sha256(path.read_bytes()).hexdigest() == described["sha256"]
            assert path.stat().st_size == described["bytes"]
        assert part["files"]["json_lines"]["rows"] == part["rows"] == pq.read_table(output / part["files"]["snapshots"]["file"]).num_rows
        total += part["rows"]
    assert total == PEOPLE
    assert not list(output.rglob("*.tmp")), "no temporary file is left"


def test_a_rerun_is_byte_identical_and_other_parameters_are_refused(spark, population, job, work):
    output, _ = job
    before = files_by_name(output)
    # Into the same output: the intact partitions are kept, a damaged one is redone alike.
    damaged = output / "snapshots" / "part-00001.parquet"
    damaged.write_bytes(b"damaged")
    again = issue_snapshots(spark, str(population["parquet"]), str(output), now=NOW, demo_key=True, json_lines=True)
    assert again["skipped_partitions"] == again["partitions"] - 1
    assert files_by_name(output) == before
    # Into a fresh output: every partition byte for byte the same.
    fresh = work / "spark-out-2"
    issue_snapshots(spark, str(population["parquet"]), str(fresh), now=NOW, demo_key=True, json_lines=True)
    assert files_by_name(fresh) == before
    shutil.rmtree(fresh)
    with pytest.raises(EdgescoreError) as raised:
        issue_snapshots(spark, str(population["parquet"]), str(output), now=NOW + 1, demo_key=True, json_lines=True)
    assert raised.value.code == "ERR_CONFIG_INVALID" and "iat" in raised.value.message
    with pytest.raises(EdgescoreError):
        issue_snapshots(spark, str(population["parquet"]), str(output), now=NOW, demo_key=True, partitions=4, json_lines=True)
    with pytest.raises(EdgescoreError) as raised:
        issue_snapshots(spark, str(population["parquet"]), str(work / "spark-bad"), now=-1, demo_key=True)
    assert raised.value.code == "ERR_CONFIG_INVALID"


def test_hash_partitions_by_sub_match_the_cli_too(spark, population, work):
    output = work / "spark-hash"
    manifest = issue_snapshots(spark, str(population["parquet"]), str(output), now=NOW, demo_key=True, partitions=5)
    assert manifest["partitions"] == 5 and manifest["parameters"]["layout"] == {"split": "hash(sub)", "partitions": 5}
    table = pq.read_table(output / "snapshots").select(["sub", "snapshot"]).to_pylist()
    assert {row["sub"]: row["snapshot"] for row in table} == population["cli_snapshots"]
    for part in range(5):
        subs = pq.read_table(output / "snapshots" / f"part-{part:05d}.parquet").column("sub").to_pylist()
        assert subs == sorted(subs), "rows are sorted by sub inside a partition"


def test_status_list_indexes_never_collide_across_partitions(spark, population, work):
    from edgescore import Scorer

    output = work / "spark-status"
    uri = "https://demo-bureau.example/status/spark"
    manifest = issue_snapshots(
        spark, str(population["parquet"]), str(output), now=NOW, demo_key=True, partitions=5, json_lines=True, status_uri=uri
    )
    assert manifest["parameters"]["status"] == {"uri": uri, "size": 1 << 20}
    table = pq.read_table(output / "snapshots").select(["sub", "status_idx", "snapshot"]).to_pylist()
    indexes = [row["status_idx"] for row in table]
    assert len(indexes) == PEOPLE and len(set(indexes)) == PEOPLE, "every snapshot its own entry"
    assert all(0 <= index < 1 << 20 for index in indexes)
    # Revoke one person with the CLI from the job's own JSON Lines; a scorer holding the new list
    # refuses that person's snapshot and accepts another's.
    revoked, kept = table[0], table[1]
    status_list = output / "_status_list.jwt"
    issued = work / "spark-status-issued.jsonl"
    issued.write_bytes(b"".join(path.read_bytes() for path in sorted((output / "snapshots-jsonl").glob("*.jsonl"))))
    fresh = work / "spark-status-list.jwt"
    fresh.write_bytes(status_list.read_bytes())
    cli("revoke", "--status-list", str(fresh), "--issued", str(issued), "--sub", revoked["sub"], "--demo-key", "--now", str(NOW + 10))
    scorer = Scorer()
    scorer.add_status_list(fresh.read_text().strip(), now=NOW + 20)
    with pytest.raises(EdgescoreError) as raised:
        scorer.score(revoked["snapshot"], now=NOW + 60)
    assert raised.value.code == "ERR_REVOKED"
    assert scorer.score(kept["snapshot"], now=NOW + 60)["band"]


def test_rejected_rows_go_to_their_own_table_with_their_code(spark, work):
    good = '{"repay_on_time_ratio_24m":1,"late_90d_count_24m":0}'
    rows = pa.table(
        {
            "sub": ["a", "b", "c", "d"],
            "schema": ["edgescore.consumer.v1", "acme.v9", "edgescore.consumer.v1", "edgescore.consumer.v1"],
            "features": [good, good, '{"online_orders_12m":"many"}', "not json"],
            "holder": [None, None, None, None],
        }
    )
    source = work / "bad-rows.parquet"
    pq.write_table(rows, source)
    output = work / "spark-bad-rows"
    manifest = issue_snapshots(spark, str(source), str(output), now=NOW, demo_key=True, partitions=2)
    assert (manifest["rows"], manifest["rejected"]) == (1, 3)
    rejected = {r["sub"]: r["code"] for r in pq.read_table(output / "rejected").to_pylist()}
    assert rejected == {"b": "ERR_SCHEMA_MISMATCH", "c": "ERR_FEATURE_INVALID", "d": "ERR_MALFORMED"}
    codes = {}
    for path in (output / "_manifests").glob("*.json"):
        for code, count in json.loads(path.read_text())["rejected_codes"].items():
            codes[code] = codes.get(code, 0) + count
    assert codes == {"ERR_FEATURE_INVALID": 1, "ERR_MALFORMED": 1, "ERR_SCHEMA_MISMATCH": 1}
