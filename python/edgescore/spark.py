"""Issuing snapshots for a population on Apache Spark.

The input is a Parquet table of features rows, one person a row: ``sub``, ``schema``,
``features`` (the features object as JSON text, exactly as ``edgescore features`` writes it)
and optionally ``holder`` (a public JWK as JSON text, or null). :func:`features_to_parquet`
turns the CLI's ``features.jsonl`` into that table. Nothing is derived here: the features are
signed as they are, after the same checks ``issue-batch`` makes.

:func:`issue_snapshots` runs one Spark job:

- the partitions are Spark's own split of the input files (no shuffle), which depends only on
  the files and the scan settings recorded in the run parameters (``maxPartitionBytes``,
  ``openCostInBytes``, the default parallelism); or, with ``partitions=N``, ``N`` partitions by
  a hash of ``sub``, sorted by ``sub`` inside each (a shuffle: slower, but the layout then
  depends only on the data and ``N``);
- each partition is signed by ``mapInArrow`` with one :class:`edgescore.Issuer`, made once per
  executor process for the job's parameters (the key is read once per executor);
- each partition's issued rows go to ``snapshots/part-NNNNN.parquet`` (and, with
  ``json_lines=True``, ``snapshots-jsonl/part-NNNNN.jsonl``), its rejected rows with their ``ERR_``
  code to ``rejected/part-NNNNN.parquet``; every file is written under a temporary name,
  synced to disk and renamed into place;
- then, last and the same way, the partition's manifest ``_manifests/part-NNNNN.json``: rows,
  rejected, the SHA-256 of each file, the key id and the run parameters;
- with ``status_uri``, every snapshot gets an entry in that Token Status List: a counting pass
  gives each partition a contiguous range of ordinals, so indexes never collide across
  partitions, and the driver writes the all-valid list token ``_status_list.jwt``;
- the driver writes the job's ``_manifest.json`` after every partition is done.

The run parameters are written first to ``_run.json``. A rerun with the same parameters into
the same output skips the partitions whose manifest and files are intact and redoes the others
(a crashed or killed job resumes); since issuance is deterministic, a partition redone is byte
for byte the one before. A rerun with other parameters is refused with ``ERR_CONFIG_INVALID``.

The output path is a local or shared POSIX file system path (every executor writes its
partitions there, as in ``local[N]`` mode or on a cluster with a shared mount).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Sequence

from . import EdgescoreError, Issuer, __version__, _config_error, read_private_key

#: ``format`` of the manifests this job writes.
MANIFEST_FORMAT = "edgescore.spark-manifest.v1"

#: The Spark schema of the rows ``mapInArrow`` hands back to the driver (one per partition).
_SUMMARY_SCHEMA = (
    "partition long, rows long, rejected long, snapshots_sha256 string, rejected_sha256 string, "
    "json_lines_sha256 string, skipped boolean"
)

_ISSUERS: Dict[str, Issuer] = {}


def features_to_parquet(features_jsonl: str, parquet_path: str, *, rows_per_group: int = 10_000) -> int:
    """Turns the JSON Lines ``edgescore features`` writes into the Parquet table
    :func:`issue_snapshots` reads, keeping each features object's exact text (so the snapshots
    match the CLI's byte for byte). Returns the number of rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    subs, schemas, features = [], [], []
    with open(features_jsonl, encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            row = json.loads(line)
            # `features` writes sub, schema, features in that order; inside a JSON string a
            # quote is always escaped, so the first `,"features":` is the member itself.
            start = line.index(',"features":') + len(',"features":')
            subs.append(row["sub"])
            schemas.append(row["schema"])
            features.append(line[start:-1])
    table = pa.table(
        {
            "sub": pa.array(subs, pa.string()),
            "schema": pa.array(schemas, pa.string()),
            "features": pa.array(features, pa.string()),
            "holder": pa.array([None] * len(subs), pa.string()),
        }
    )
    pq.write_table(table, parquet_path, row_group_size=rows_per_group)
    return len(subs)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class _HashingFile:
    """A binary file that hashes what is written to it (so nothing is read back)."""

    def __init__(self, file) -> None:
        self._file = file
        self.sha256 = hashlib.sha256()
        self.bytes = 0
        self.closed = False

    def write(self, data) -> int:
        view = memoryview(data)
        self.sha256.update(view)
        self.bytes += view.nbytes
        return self._file.write(view)

    def flush(self) -> None:
        self._file.flush()

    def tell(self) -> int:
        return self.bytes

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


def _write_atomically(path: Path, write) -> Dict[str, Any]:
    """``write(file)`` into a temporary file beside ``path``, synced, renamed into place.
    Returns its size and SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as file:
        hashing = _HashingFile(file)
        write(hashing)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    _fsync_folder(path.parent)
    return {"bytes": hashing.bytes, "sha256": hashing.sha256.hexdigest()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _issuer_for(config: Dict[str, Any]) -> Issuer:
    """One Issuer per executor process and job parameters: the key is read once."""
    key = json.dumps(config, sort_keys=True)
    issuer = _ISSUERS.get(key)
    if issuer is None:
        private_jwk = None
        if config.get("key_file"):
            private_jwk = read_private_key(
                config["key_file"], allow_insecure_permissions=config.get("allow_insecure_key_permissions", False)
            )
        pkcs11 = config.get("pkcs11")
        if pkcs11 is not None and "pin" not in pkcs11:
            pkcs11 = dict(pkcs11, pin=os.environ.get("EDGESCORE_PKCS11_PIN", ""))
        issuer = Issuer(
            private_jwk,
            demo_key=config.get("demo_key", False),
            pkcs11=pkcs11,
            kid=config.get("kid"),
            iss=config.get("iss"),
            aud=config.get("aud", ()),
            lifetime_seconds=config["lifetime_seconds"],
            now=config["now"],
            models=config.get("models"),
            jwks=config.get("jwks"),
            status_uri=config.get("status_uri"),
            status_size=config.get("status_size", 1 << 20),
        )
        _ISSUERS[key] = issuer
    return issuer


def _partition_files(output: Path, partition: int, json_lines: bool) -> Dict[str, Path]:
    name = f"part-{partition:05d}"
    files = {
        "snapshots": output / "snapshots" / f"{name}.parquet",
        "rejected": output / "rejected" / f"{name}.parquet",
        "manifest": output / "_manifests" / f"{name}.json",
    }
    if json_lines:
        files["json_lines"] = output / "snapshots-jsonl" / f"{name}.jsonl"
    return files


def _intact(files: Dict[str, Path], parameters: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The partition's manifest if it and every file it names are intact with these
    parameters."""
    try:
        manifest = json.loads(files["manifest"].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("format") != MANIFEST_FORMAT or manifest.get("parameters") != parameters:
        return None
    for role, entry in manifest.get("files", {}).items():
        path = files.get(role)
        if path is None or not path.exists() or _sha256(path) != entry.get("sha256"):
            return None
    return manifest


def _count_rows(batches: Iterator[Any]) -> Iterator[Any]:
    """``mapInArrow``: a partition's number and row count."""
    import pyarrow as pa
    from pyspark import TaskContext

    rows = sum(batch.num_rows for batch in batches)
    yield pa.record_batch({"partition": pa.array([TaskContext.get().partitionId()], pa.int64()), "rows": pa.array([rows], pa.int64())})


def _partition_job(
    config: Dict[str, Any], parameters: Dict[str, Any], output: str, json_lines: bool, bases: Dict[int, int]
):
    """The function ``mapInArrow`` runs on every partition."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        from pyspark import TaskContext

        partition = TaskContext.get().partitionId()
        yield _issue_partition(partition, batches, config, parameters, output, json_lines, bases.get(partition))

    return run


def _issue_partition(
    partition: int,
    batches: Iterator[Any],
    config: Dict[str, Any],
    parameters: Dict[str, Any],
    output: str,
    json_lines: bool,
    first_ordinal: Optional[int] = None,
) -> Any:
    """Signs one partition's rows and writes its files and manifest; returns its summary. With a
    status list, its rows get the status ordinals ``first_ordinal``, ``first_ordinal + 1``, …"""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    files = _partition_files(Path(output), partition, json_lines)
    done = _intact(files, parameters)
    if done is not None:
        for _ in batches:
            pass
        return _summary(pa, partition, done, skipped=True)
    issuer = _issuer_for(config)
    issued, rejected, seen = [], [], 0
    for batch in batches:
        if batch.num_rows == 0:
            continue
        ordinal = None if first_ordinal is None else first_ordinal + seen
        good, bad = issuer.issue_arrow(batch, ordinal)
        issued.append(good.set_column(0, "row", pc.add(good.column("row"), seen)))
        rejected.append(bad.set_column(0, "row", pc.add(bad.column("row"), seen)))
        seen += batch.num_rows
    issued_table = _concat(pa, issued, _issued_schema(pa))
    rejected_table = _concat(pa, rejected, _rejected_schema(pa))
    written = _write_atomically(files["snapshots"], lambda f: pq.write_table(issued_table, f, row_group_size=65536, compression="zstd"))
    manifest_files = {"snapshots": _file_entry(files["snapshots"], issued_table.num_rows, written)}
    written = _write_atomically(files["rejected"], lambda f: pq.write_table(rejected_table, f, row_group_size=65536, compression="zstd"))
    manifest_files["rejected"] = _file_entry(files["rejected"], rejected_table.num_rows, written)
    if json_lines:
        # The members `edgescore revoke --issued` reads (sub, jti, status_idx), as issue-batch
        # writes them.
        text = "".join(
            json.dumps(
                {k: v for k, v in row.items() if k != "row" and not (k == "status_idx" and v is None)},
                separators=(",", ":"),
            )
            + "\n"
            for row in issued_table.to_pylist()
        ).encode("utf-8")
        written = _write_atomically(files["json_lines"], lambda f: f.write(text))
        manifest_files["json_lines"] = _file_entry(files["json_lines"], issued_table.num_rows, written)
    manifest = {
        "format": MANIFEST_FORMAT,
        "partition": partition,
        "kid": issuer.kid,
        "parameters": parameters,
        "rows": issued_table.num_rows,
        "rejected": rejected_table.num_rows,
        "rejected_codes": _code_counts(rejected_table),
        "files": manifest_files,
    }
    _write_atomically(files["manifest"], lambda f: f.write(_json_bytes(manifest)))
    return _summary(pa, partition, manifest, skipped=False)


def _issued_schema(pa):
    return pa.schema(
        [
            ("row", pa.int64()),
            ("sub", pa.string()),
            ("jti", pa.string()),
            ("iat", pa.int64()),
            ("status_idx", pa.int64()),
            ("snapshot", pa.string()),
        ]
    )


def _rejected_schema(pa):
    return pa.schema([("row", pa.int64()), ("sub", pa.string()), ("code", pa.string()), ("message", pa.string())])


def _concat(pa, batches, schema):
    if not batches:
        return schema.empty_table()
    return pa.Table.from_batches(batches, schema=schema).combine_chunks()


def _file_entry(path: Path, rows: int, written: Dict[str, Any]) -> Dict[str, Any]:
    return {"file": f"{path.parent.name}/{path.name}", "bytes": written["bytes"], "rows": rows, "sha256": written["sha256"]}


def _code_counts(rejected) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for code in rejected.column("code").to_pylist():
        counts[code] = counts.get(code, 0) + 1
    return dict(sorted(counts.items()))


def _summary(pa, partition: int, manifest: Dict[str, Any], *, skipped: bool):
    files = manifest["files"]
    return pa.record_batch(
        {
            "partition": pa.array([partition], pa.int64()),
            "rows": pa.array([manifest["rows"]], pa.int64()),
            "rejected": pa.array([manifest["rejected"]], pa.int64()),
            "snapshots_sha256": pa.array([files["snapshots"]["sha256"]], pa.string()),
            "rejected_sha256": pa.array([files["rejected"]["sha256"]], pa.string()),
            "json_lines_sha256": pa.array([files.get("json_lines", {}).get("sha256")], pa.string()),
            "skipped": pa.array([skipped], pa.bool_()),
        }
    )


def issue_snapshots(
    spark: Any,
    input_path: str,
    output_path: str,
    *,
    now: int,
    key_file: Optional[str] = None,
    demo_key: bool = False,
    pkcs11: Optional[Dict[str, str]] = None,
    kid: Optional[str] = None,
    iss: Optional[str] = None,
    aud: Sequence[str] = (),
    lifetime_seconds: int = 30 * 24 * 3600,
    models: Optional[Sequence[str]] = None,
    jwks: Optional[str] = None,
    partitions: Optional[int] = None,
    json_lines: bool = False,
    allow_insecure_key_permissions: bool = False,
    status_uri: Optional[str] = None,
    status_size: int = 1 << 20,
) -> Dict[str, Any]:
    """Signs a snapshot for every row of the Parquet table at ``input_path`` into
    ``output_path`` (see the module's description for the layout). One key: ``key_file`` (a
    private JWK readable at the same path on every executor), ``demo_key=True`` (demo only) or
    ``pkcs11={"module", "token", "key"}`` (the PIN from each executor's
    ``EDGESCORE_PKCS11_PIN``). Returns the job manifest."""
    output = Path(output_path).absolute()
    if partitions is not None and (not isinstance(partitions, int) or partitions < 1 or partitions > 100_000):
        raise _config_error("partitions must be 1 to 100000")
    config: Dict[str, Any] = {
        "key_file": None if key_file is None else str(Path(key_file).absolute()),
        "demo_key": demo_key,
        "pkcs11": None if pkcs11 is None else {k: v for k, v in pkcs11.items() if k != "pin"},
        "kid": kid,
        "iss": iss,
        "aud": list(aud),
        "lifetime_seconds": lifetime_seconds,
        "now": now,
        "models": None if models is None else list(models),
        "jwks": jwks,
        "allow_insecure_key_permissions": allow_insecure_key_permissions,
        "status_uri": status_uri,
        "status_size": status_size,
    }
    if pkcs11 is not None and "pin" in pkcs11:
        os.environ.setdefault("EDGESCORE_PKCS11_PIN", pkcs11["pin"])
    # Made on the driver too: every option is checked before the job starts.
    issuer = _issuer_for(config)
    input_files = sorted(
        (str(path), path.stat().st_size)
        for path in ([Path(input_path)] if Path(input_path).is_file() else Path(input_path).rglob("*.parquet"))
    )
    from pyspark.sql import functions as F

    frame = spark.read.parquet(input_path)
    columns = ["sub", "schema", "features"] + (["holder"] if "holder" in frame.columns else [])
    frame = frame.select(*columns)
    if partitions is None:
        # Spark's own split of the files: no shuffle. It depends on these settings, so they
        # are run parameters (another cluster size may split otherwise and is refused).
        layout = {
            "split": "files",
            "partitions": frame.rdd.getNumPartitions(),
            "max_partition_bytes": spark.conf.get("spark.sql.files.maxPartitionBytes"),
            "open_cost_in_bytes": spark.conf.get("spark.sql.files.openCostInBytes"),
            "default_parallelism": spark.sparkContext.defaultParallelism,
        }
    else:
        frame = frame.repartition(partitions, F.col("sub")).sortWithinPartitions("sub")
        layout = {"split": "hash(sub)", "partitions": partitions}
    partition_count = layout["partitions"]
    parameters = {
        "command": "edgescore.spark.issue_snapshots",
        "edgescore": __version__,
        "input": [{"path": path, "bytes": size} for path, size in input_files],
        "layout": layout,
        "json_lines": json_lines,
        **issuer.parameters(),
    }
    output.mkdir(parents=True, exist_ok=True)
    run_file = output / "_run.json"
    if run_file.exists():
        recorded = json.loads(run_file.read_text(encoding="utf-8"))
        if recorded != parameters:
            differing = sorted(k for k in set(recorded) | set(parameters) if recorded.get(k) != parameters.get(k))
            raise _config_error(
                f"{output} holds a run with other parameters (differing: {', '.join(differing)}); "
                "write to another output path"
            )
    else:
        _write_atomically(run_file, lambda f: f.write(_json_bytes(parameters)))

    # Status list indexes: each partition gets a contiguous range of ordinals from the row
    # counts of the partitions before it (one counting pass), so no two rows of the job share
    # an entry, whatever runs where; the issuer's keyed permutation turns ordinals into indexes.
    bases: Dict[int, int] = {}
    if status_uri is not None:
        counts = sorted((row.partition, row.rows) for row in frame.mapInArrow(_count_rows, "partition long, rows long").collect())
        total = 0
        for partition, rows in counts:
            bases[partition] = total
            total += rows
        if total > status_size:
            raise _config_error(f"{total} rows do not fit a status list of {status_size} entries (status_size)")
    job = _partition_job(config, parameters, str(output), json_lines, bases)
    summaries = sorted(
        (row.asDict() for row in frame.mapInArrow(job, _SUMMARY_SCHEMA).collect()), key=lambda row: row["partition"]
    )
    present = {row["partition"] for row in summaries}
    # A partition with no rows at all yields nothing: write its (empty) files from the driver.
    for partition in range(partition_count):
        if partition not in present:
            summaries.append(_empty_partition(config, parameters, output, partition, json_lines))
    summaries.sort(key=lambda row: row["partition"])
    manifest = {
        "format": MANIFEST_FORMAT,
        "parameters": parameters,
        "kid": issuer.kid,
        "partitions": partition_count,
        "rows": sum(row["rows"] for row in summaries),
        "rejected": sum(row["rejected"] for row in summaries),
        "partition_manifests": [
            {
                "partition": row["partition"],
                "rows": row["rows"],
                "rejected": row["rejected"],
                "snapshots_sha256": row["snapshots_sha256"],
                "rejected_sha256": row["rejected_sha256"],
            }
            for row in summaries
        ],
    }
    if status_uri is not None:
        token = issuer.status_list_token()
        _write_atomically(output / "_status_list.jwt", lambda f: f.write((token + "\n").encode("utf-8")))
    _write_atomically(output / "_manifest.json", lambda f: f.write(_json_bytes(manifest)))
    return dict(manifest, skipped_partitions=sum(1 for row in summaries if row.get("skipped")))


def _empty_partition(config, parameters, output: Path, partition: int, json_lines: bool) -> Dict[str, Any]:
    return _issue_partition(partition, iter(()), config, parameters, str(output), json_lines, 0).to_pylist()[0]


def local_session(cores: int = 2, app: str = "edgescore") -> Any:
    """A Spark session in ``local[cores]`` mode on 127.0.0.1, its Python workers running this
    interpreter (the one edgescore is installed in), without the web UI: for trying the job on
    one machine, for tests and benchmarks."""
    import sys

    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def read_snapshots(spark: Any, output_path: str) -> Any:
    """The issued snapshots of a finished job as a DataFrame (``row``, ``sub``, ``iat``,
    ``snapshot``); refuses an output without its job manifest."""
    output = Path(output_path)
    if not (output / "_manifest.json").exists():
        raise _config_error(f"{output} has no _manifest.json: the job did not finish")
    return spark.read.parquet(str(output / "snapshots"))


__all__ = ["features_to_parquet", "issue_snapshots", "local_session", "read_snapshots", "MANIFEST_FORMAT", "EdgescoreError"]
