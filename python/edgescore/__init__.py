"""edgescore for Python: sign feature snapshots at bureau scale, verify and score them.

The core is the Rust crate (through PyO3, ``edgescore._edgescore``); this layer turns its JSON
text into dictionaries, pandas and Arrow. Every failure is an :class:`EdgescoreError` whose
``code`` is the stable ``ERR_…`` code of the repository's ``docs/errors.md``.

- :class:`Issuer` signs snapshots: one at a time, a batch of rows, or an Arrow record batch
  (``issue_arrow``), with the GIL released while it signs.
- :class:`Scorer` verifies a snapshot (and its presentation), scores it and applies the
  merchant's policy: the same results as the CLI and the WebAssembly package.
- :func:`score_rows` scores raw feature rows (no snapshot, no signature) of a pandas DataFrame
  or an Arrow table with a model.
- :mod:`edgescore.spark` issues snapshots for a population on Apache Spark.
"""

from __future__ import annotations

import json
import math
import os
import stat
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from . import _edgescore
from ._edgescore import EdgescoreError, error_codes

__all__ = [
    "EdgescoreError",
    "Issuer",
    "Scorer",
    "score_rows",
    "demo_jwks",
    "demo_models",
    "error_codes",
    "read_private_key",
    "__version__",
]

__version__: str = _edgescore.__version__

#: Columns of the Arrow record batches :meth:`Issuer.issue_arrow` reads.
INPUT_COLUMNS = ("sub", "schema", "features")


def _config_error(message: str) -> EdgescoreError:
    error = EdgescoreError(f"ERR_CONFIG_INVALID: {message}")
    error.code = "ERR_CONFIG_INVALID"
    error.message = message
    return error


def _json_text(value: Union[str, Mapping[str, Any], None]) -> Optional[str]:
    """A JSON document as text: strings pass through (the core parses them strictly)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def demo_jwks() -> str:
    """The demo issuer's public JWKS (JSON text). Demo only."""
    return _edgescore.demo_material()[0]


def demo_models() -> dict:
    """The signed demo models: ``{"consumer": token, "seller": token}``. Demo only."""
    _, consumer, seller = _edgescore.demo_material()
    return {"consumer": consumer, "seller": seller}


def read_private_key(path: Union[str, os.PathLike], *, allow_insecure_permissions: bool = False) -> str:
    """Reads a private JWK file, refusing one its group or others may read or write (as the
    CLI does) unless ``allow_insecure_permissions``."""
    mode = os.stat(path).st_mode
    if mode & 0o077 and not allow_insecure_permissions:
        raise _config_error(
            f"{os.fspath(path)} is open to its group or others (mode {stat.S_IMODE(mode):04o}); "
            "make it private (chmod 600) or pass allow_insecure_permissions=True"
        )
    with open(path, encoding="utf-8") as file:
        return file.read()


class Issuer:
    """Signs snapshots with one key for one batch: ``iss``, ``aud``, ``iat`` and the lifetime are
    shared by every snapshot, checked when the issuer is made (``ERR_CONFIG_INVALID``).

    Exactly one key: ``private_jwk`` (JSON text, see :func:`read_private_key`), ``demo_key=True``
    (demo only) or ``pkcs11={"module", "token", "key", "pin"}`` (an Ed25519 key in a PKCS#11
    token). ``models`` are signed model tokens whose schemas may be issued (default: the two
    demo models), verified with ``jwks`` (default: the demo JWKS).
    """

    def __init__(
        self,
        private_jwk: Optional[str] = None,
        *,
        demo_key: bool = False,
        pkcs11: Optional[Mapping[str, str]] = None,
        kid: Optional[str] = None,
        iss: Optional[str] = None,
        aud: Sequence[str] = (),
        lifetime_seconds: int = 30 * 24 * 3600,
        now: int,
        models: Optional[Sequence[str]] = None,
        jwks: Optional[str] = None,
        alg: str = "EdDSA",
        status_uri: Optional[str] = None,
        status_size: int = 1 << 20,
    ) -> None:
        token = None
        if pkcs11 is not None:
            missing = [name for name in ("module", "token", "key", "pin") if name not in pkcs11]
            if missing:
                raise _config_error(f"pkcs11 needs {', '.join(missing)}")
            token = (str(pkcs11["module"]), pkcs11["token"], pkcs11["key"], pkcs11["pin"])
        if isinstance(aud, str):
            aud = [aud]
        self._native = _edgescore.PyIssuer(
            private_jwk,
            demo_key=demo_key,
            pkcs11=token,
            kid=kid,
            iss=iss,
            aud=list(aud),
            lifetime_seconds=lifetime_seconds,
            now=now,
            models=None if models is None else list(models),
            jwks=jwks,
            alg=alg,
            status_uri=status_uri,
            status_size=status_size,
        )

    @property
    def kid(self) -> str:
        """The key id in every snapshot's header."""
        return self._native.kid

    @property
    def iat(self) -> int:
        """``iat`` of every snapshot."""
        return self._native.iat

    def parameters(self) -> dict:
        """What a run's manifest records of this issuer (the CLI's ``issue-batch`` records the
        same members)."""
        native = self._native
        return {
            "kid": native.kid,
            "alg": native.alg,
            "iss": native.iss,
            "aud": native.aud,
            "iat": native.iat,
            "lifetime": native.lifetime_seconds,
            "models": [{"id": i, "version": v, "digest": d} for i, v, d in native.models],
            "status": None if native.status_list is None else {"uri": native.status_list[0], "size": native.status_list[1]},
        }

    def status_list_token(self) -> str:
        """The all-valid status list token for ``status_uri`` (``ttl`` five minutes, ``exp`` a day),
        as ``issue-batch --status-list-out`` writes it."""
        return self._native.status_list_token()

    def jwks(self) -> str:
        """The issuer's public JWKS (JSON text), for verifiers."""
        return self._native.jwks()

    def issue(
        self,
        sub: str,
        schema: str,
        features: Union[str, Mapping[str, Any]],
        holder: Union[str, Mapping[str, Any], None] = None,
        status_ordinal: Optional[int] = None,
    ) -> str:
        """One snapshot (the SD-JWT in its issuance form). ``features`` is a dict or JSON object
        text; ``holder`` a public JWK; ``status_ordinal`` is required with a status list."""
        return self._native.issue(sub, schema, _json_text(features), _json_text(holder), status_ordinal)

    def issue_rows(
        self,
        subs: Sequence[str],
        schemas: Sequence[str],
        features: Sequence[Union[str, Mapping[str, Any]]],
        holders: Optional[Sequence[Union[str, Mapping[str, Any], None]]] = None,
        status_ordinals: Optional[Sequence[int]] = None,
    ) -> tuple:
        """Signs many rows with the GIL released. Returns five lists as long as the input: the
        snapshot (``None`` when rejected), its ``jti``, its status index, and the error code and
        message of a rejected row. ``status_ordinals`` is required with a status list."""
        texts = [_json_text(f) for f in features]
        holder_texts = None if holders is None else [_json_text(h) for h in holders]
        ordinals = None if status_ordinals is None else list(status_ordinals)
        return self._native.issue_rows(list(subs), list(schemas), texts, holder_texts, ordinals)

    def issue_arrow(self, batch: "Any", first_status_ordinal: Optional[int] = None) -> tuple:
        """Signs an Arrow record batch (or table) with columns ``sub``, ``schema``, ``features``
        (JSON object text) and optionally ``holder`` (JSON text or null). With a status list, row
        ``i`` gets status ordinal ``first_status_ordinal + i``. Returns two record batches:
        issued rows (``sub``, ``jti``, ``iat``, ``status_idx``, ``snapshot``) and rejected rows
        (``sub``, ``code``, ``message``), each with the row's index in the input as ``row``."""
        import pyarrow as pa

        names = set(batch.schema.names)
        missing = [name for name in INPUT_COLUMNS if name not in names]
        if missing:
            raise _config_error(f"the record batch has no column {', '.join(missing)}")
        subs = batch.column("sub").to_pylist()
        schemas = batch.column("schema").to_pylist()
        features = batch.column("features").to_pylist()
        holders = batch.column("holder").to_pylist() if "holder" in names else None
        ordinals = None
        if first_status_ordinal is not None:
            ordinals = list(range(first_status_ordinal, first_status_ordinal + batch.num_rows))
        snapshots, jtis, indexes, codes, messages = self._native.issue_rows(
            [s if s is not None else "" for s in subs],
            [s if s is not None else "" for s in schemas],
            [f if f is not None else "null" for f in features],
            holders,
            ordinals,
        )
        issued_rows = [i for i, s in enumerate(snapshots) if s is not None]
        rejected_rows = [i for i, s in enumerate(snapshots) if s is None]
        issued = pa.record_batch(
            {
                "row": pa.array(issued_rows, pa.int64()),
                "sub": pa.array([subs[i] for i in issued_rows], pa.string()),
                "jti": pa.array([jtis[i] for i in issued_rows], pa.string()),
                "iat": pa.array([self.iat] * len(issued_rows), pa.int64()),
                "status_idx": pa.array([indexes[i] for i in issued_rows], pa.int64()),
                "snapshot": pa.array([snapshots[i] for i in issued_rows], pa.string()),
            }
        )
        rejected = pa.record_batch(
            {
                "row": pa.array(rejected_rows, pa.int64()),
                "sub": pa.array([subs[i] for i in rejected_rows], pa.string()),
                "code": pa.array([codes[i] for i in rejected_rows], pa.string()),
                "message": pa.array([messages[i] for i in rejected_rows], pa.string()),
            }
        )
        return issued, rejected


class Scorer:
    """Verifies, scores and decides, as the CLI's ``score`` and the JavaScript ``Scorer`` do.

    ``jwks`` (JSON text; default the demo JWKS), ``model`` (a signed model token; default the
    demo consumer model), ``policy`` (JSON text or dict; default the demo rentals policy).
    Options: ``audience``, ``issuers``, ``leeway_seconds``, ``max_age_seconds`` (or
    ``no_max_age=True``), ``require_binding``, ``presentation_max_age_seconds``.
    """

    def __init__(
        self,
        jwks: Optional[str] = None,
        model: Optional[str] = None,
        *,
        model_jwks: Optional[str] = None,
        policy: Union[str, Mapping[str, Any], None] = None,
        audience: Optional[str] = None,
        issuers: Sequence[str] = (),
        leeway_seconds: Optional[int] = None,
        max_age_seconds: Optional[int] = None,
        no_max_age: bool = False,
        require_binding: bool = False,
        presentation_max_age_seconds: Optional[int] = None,
    ) -> None:
        self._native = _edgescore.PyScorer(
            jwks,
            model,
            model_jwks=model_jwks,
            policy=_json_text(policy),
            audience=audience,
            issuers=list(issuers),
            leeway_seconds=leeway_seconds,
            max_age_seconds=max_age_seconds,
            no_max_age=no_max_age,
            require_binding=require_binding,
            presentation_max_age_seconds=presentation_max_age_seconds,
        )

    @property
    def model(self) -> dict:
        """The model in use: ``{"id", "version", "digest"}``."""
        model_id, version, digest = self._native.model
        return {"id": model_id, "version": version, "digest": digest}

    def add_status_list(self, token: str, *, now: int) -> dict:
        """Verifies a status list token (``statuslist+jwt``) and holds it: snapshots that name it
        are then checked against it (``ERR_REVOKED``, ``ERR_SUSPENDED``). Returns its summary."""
        return json.loads(self._native.add_status_list(token, now=now))

    def score(
        self,
        presentation: str,
        *,
        now: int,
        nonce: Optional[str] = None,
        context: Union[str, Mapping[str, Any], None] = None,
        disclose: str = "band",
    ) -> dict:
        """Verifies, scores and decides one presentation (``<issuer-jwt>~<disclosure>~…~<kb-jwt>``,
        or an unbound snapshot's SD-JWT); raises :class:`EdgescoreError`."""
        text = self._native.score(presentation, now=now, nonce=nonce, context=_json_text(context), disclose=disclose)
        return json.loads(text)

    def score_many(self, items: Iterable[Mapping[str, Any]], *, now: int, disclose: str = "band") -> list:
        """Scores many ``{"presentation", "nonce"?, "context"?}`` items with the GIL released.
        Each entry is the result dict, or ``{"error": {"code", "message"}}``."""
        prepared = [(item["presentation"], item.get("nonce"), _json_text(item.get("context"))) for item in items]
        return [json.loads(text) for text in self._native.score_many(prepared, now=now, disclose=disclose)]


def _row_json(row: Mapping[str, Any]) -> str:
    """A features row as JSON: missing values (None, NaN, pandas' NA) become null, numbers keep
    their shortest round-trip text, so the core compares exact decimals."""
    clean = {}
    for name, value in row.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            clean[name] = None
        elif hasattr(value, "item") and not isinstance(value, (str, bytes)):
            clean[name] = value.item()  # numpy scalars
        elif type(value).__name__ in ("NAType", "NaTType"):
            clean[name] = None
        else:
            clean[name] = value
    return json.dumps(clean, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def score_rows(table: Any, model: Optional[str] = None, *, jwks: Optional[str] = None, features: Optional[Sequence[str]] = None) -> Any:
    """Scores raw feature rows with a signed model (default: the demo consumer model), with no
    snapshot and no signature: for analysts. ``table`` is a pandas DataFrame (the result is a
    DataFrame) or an Arrow table or record batch (the result is an Arrow table), one column per
    feature; ``features`` limits the columns read. Result columns: ``score``, ``raw_score``,
    ``band``, one ``dim_<dimension>`` per dimension, ``reasons`` (codes, ranked), and ``error``
    (the code of a row that could not be scored, else null)."""
    is_pandas = type(table).__module__.startswith("pandas")
    if is_pandas:
        frame = table if features is None else table[list(features)]
        records = frame.to_dict(orient="records")
    else:
        arrow = table if features is None else table.select(list(features))
        records = arrow.to_pylist()
    results = [json.loads(text) for text in _edgescore.score_feature_rows([_row_json(r) for r in records], model, jwks)]
    dimension_names = ["credit_history", "behaviour_preferences", "fulfilment_capacity", "identity_traits", "relationships"]
    for result in results:
        for name in result.get("dimensions", {}):
            if name not in dimension_names:
                dimension_names.append(name)
    columns: dict = {"score": [], "raw_score": [], "band": []}
    columns.update({f"dim_{name}": [] for name in dimension_names})
    columns.update({"reasons": [], "error": []})
    for result in results:
        error = result.get("error")
        columns["score"].append(None if error else result["score"])
        columns["raw_score"].append(None if error else result["raw_score"])
        columns["band"].append(None if error else result["band"])
        for name in dimension_names:
            columns[f"dim_{name}"].append(None if error else result["dimensions"].get(name))
        columns["reasons"].append(None if error else [reason["code"] for reason in result["reasons"]])
        columns["error"].append(error["code"] if error else None)
    # Points are exact decimals (up to six places); whole-point models give integer columns.
    fractional = any(isinstance(v, float) for name in ("score", "raw_score") for v in columns[name])
    if is_pandas:
        import pandas as pd

        frame = pd.DataFrame(columns, index=table.index)
        for name in ["score", "raw_score"]:
            frame[name] = frame[name].astype("Float64" if fractional else "Int64")
        for name in [f"dim_{n}" for n in dimension_names]:
            frame[name] = frame[name].astype("Int64")
        return frame
    import pyarrow as pa

    points = pa.float64() if fractional else pa.int64()
    return pa.table(
        {
            "score": pa.array(columns["score"], points),
            "raw_score": pa.array(columns["raw_score"], points),
            "band": pa.array(columns["band"], pa.string()),
            **{f"dim_{n}": pa.array(columns[f"dim_{n}"], pa.int64()) for n in dimension_names},
            "reasons": pa.array(columns["reasons"], pa.list_(pa.string())),
            "error": pa.array(columns["error"], pa.string()),
        }
    )
