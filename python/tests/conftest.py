"""Shared fixtures: the CLI to compare with, a synthetic population issued by the CLI, and a
local Spark session."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOW = 1_790_000_000
AUDIENCE = "https://rentals.example"
PEOPLE = int(os.environ.get("EDGESCORE_SPARK_PEOPLE", "100000"))


def cli_path() -> str:
    path = os.environ.get("EDGESCORE_CLI", str(ROOT / "target" / "release" / "edgescore"))
    assert Path(path).exists(), f"{path} is missing: scripts/test-python.sh builds it"
    return path


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    run = subprocess.run([cli_path(), *args], capture_output=True, text=True)
    if check:
        assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="session")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("edgescore")


@pytest.fixture(scope="session")
def population(work: Path) -> dict:
    """PEOPLE synthetic people: raw records, features (JSON Lines and Parquet), and the CLI's
    own issue-batch output for them at NOW with the demo key."""
    from edgescore.spark import features_to_parquet

    raw, features = work / "people.jsonl", work / "features.jsonl"
    cli("synth", "--people", str(PEOPLE), "--seed", "2026", "--out", str(raw))
    cli("features", "--in", str(raw), "--out", str(features))
    parquet = work / "features.parquet"
    rows = features_to_parquet(str(features), str(parquet))
    assert rows == PEOPLE
    snapshots = work / "cli-snapshots.jsonl"
    cli("issue-batch", "--in", str(features), "--out", str(snapshots), "--demo-key", "--now", str(NOW))
    issued = {}
    with open(snapshots, encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            issued[row["sub"]] = row["snapshot"]
    return {"raw": raw, "features": features, "parquet": parquet, "cli_snapshots": issued, "cli_out": snapshots}


@pytest.fixture(scope="session")
def spark():
    from edgescore.spark import local_session

    session = local_session(2, "edgescore-tests")
    yield session
    session.stop()
