"""Snapshots per second: the CLI's issue-batch against the Apache Spark job (and the Python
package alone), on the same people, the same key and --now, on this machine. Prints figures
and ratios; asserts nothing about time. Run by scripts/bench-spark.sh (from its own folder, so `import edgescore` finds the installed wheel).

Each round runs every configuration once, so the load of the shared machine weighs on all of
them alike; the ratio to the CLI is taken within each round, then the median over rounds.

Usage: python bench_spark.py CLI WORKDIR [PEOPLE] [ROUNDS]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

NOW = 1_790_000_000


def main() -> None:
    cli, work = sys.argv[1], Path(sys.argv[2])
    people = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    work.mkdir(parents=True, exist_ok=True)
    raw, features, parquet = work / "people.jsonl", work / "features.jsonl", work / "features.parquet"
    subprocess.run([cli, "synth", "--people", str(people), "--seed", "2026", "--out", str(raw)], check=True, capture_output=True)
    subprocess.run([cli, "features", "--in", str(raw), "--out", str(features)], check=True, capture_output=True)
    from edgescore.spark import features_to_parquet, issue_snapshots

    features_to_parquet(str(features), str(parquet))
    # A small job on the first 1,000 people gives the fixed cost of a Spark job (planning,
    # scheduling, footers), to tell it from the cost per snapshot.
    import pyarrow.parquet as pq_small

    small = work / "small.parquet"
    pq_small.write_table(pq_small.read_table(parquet).slice(0, 1000), small, row_group_size=1000)
    import pyarrow.parquet as pq

    from edgescore import Issuer
    from edgescore.spark import local_session

    spark = local_session(2, "edgescore-bench")
    batches = pq.read_table(parquet).to_batches(max_chunksize=10_000)
    issuer = Issuer(demo_key=True, now=NOW)
    count = [0]

    def cli_run(threads):
        def run():
            subprocess.run(
                [cli, "issue-batch", "--in", str(features), "--out", str(work / "cli.jsonl"), "--demo-key",
                 "--now", str(NOW), "--threads", str(threads), "--restart"],
                check=True,
                capture_output=True,
            )
        return run

    def package_run():
        for batch in batches:
            issuer.issue_arrow(batch)

    def spark_run(partitions, source=parquet, rows=people):
        def run():
            count[0] += 1
            output = work / f"spark-{count[0]}"
            manifest = issue_snapshots(spark, str(source), str(output), now=NOW, demo_key=True, partitions=partitions)
            assert manifest["rows"] == rows
            shutil.rmtree(output, ignore_errors=True)
        return run

    # (name, cores, run): every round runs each once, in this order, so the machine's load
    # (shared with other builds) weighs on all of them alike; ratios are taken within a round.
    configurations = [
        ("CLI issue-batch, 1 thread", 1, cli_run(1)),
        ("CLI issue-batch, 2 threads", 2, cli_run(2)),
        ("Python package alone, Issuer.issue_arrow, 1 thread", 1, package_run),
        ("Spark job, local[2], partitions=8 by hash(sub)", 2, spark_run(8)),
        ("Spark job, local[2], Spark's split of the files", 2, spark_run(None)),
    ]
    fixed_cost = spark_run(8, small, 1000)
    fixed_seconds = []
    spark_run(8)()  # warm up: the JVM, the Python workers, the key read once per worker
    rates = {name: [] for name, _, _ in configurations}
    seconds = {name: [] for name, _, _ in configurations}
    for _ in range(runs):
        for name, _, run in configurations:
            started = time.perf_counter()
            run()
            seconds[name].append(time.perf_counter() - started)
            rates[name].append(people / seconds[name][-1])
        started = time.perf_counter()
        fixed_cost()
        fixed_seconds.append(time.perf_counter() - started)
    spark.stop()
    baseline = rates["CLI issue-batch, 1 thread"]
    print(f"\n{people:,} people, {runs} rounds, medians, {time.strftime('%Y-%m-%d')}, load average {os.getloadavg()[0]:.1f}\n")
    print("| what | cores | snapshots/s | per core | per core ÷ CLI 1 thread (same round) |")
    print("|---|---|---|---|---|")
    for name, cores, _ in configurations:
        ratio = statistics.median(r / cores / b for r, b in zip(rates[name], baseline))
        rate = statistics.median(rates[name])
        print(f"| {name} | {cores} | {rate:,.0f} | {rate / cores:,.0f} | {ratio:.2f}× |")
    # Per snapshot, once a job's fixed cost is paid (what a job of millions sees).
    fixed = statistics.median(fixed_seconds)
    print(f"\nfixed cost of a Spark job (1,000 people, 8 partitions): {fixed:.2f} s")
    for name, cores, _ in configurations:
        if not name.startswith("Spark"):
            continue
        marginal = [(people - 1000) / max(t - f, 1e-3) for t, f in zip(seconds[name], fixed_seconds)]
        ratio = statistics.median(m / cores / b for m, b in zip(marginal, baseline))
        print(f"| {name}, past the fixed cost | {cores} | {statistics.median(marginal):,.0f} | "
              f"{statistics.median(marginal) / cores:,.0f} | {ratio:.2f}× |")
    print(json.dumps({name: [round(r) for r in values] for name, values in rates.items()}))


if __name__ == "__main__":
    main()
