//! The Python adapter: the only module that knows PyO3 (feature `python`). maturin builds it
//! into the `edgescore` Python package (`python/`), whose Python layer
//! (`python/edgescore/__init__.py`) adds dictionaries, pandas and Arrow on top.
//!
//! Documents cross as JSON text, parsed here by the core's strict parser (duplicate names,
//! exact numbers), and results go back as JSON text, so the Python package gives the results
//! the CLI and the WebAssembly package give, byte for byte. Every failure is one exception
//! class, `EdgescoreError`, with the stable `ERR_…` code as its `code` attribute. Batch calls
//! (`Issuer.issue_rows`, `Scorer.score_many`, `score_feature_rows`) run with the GIL
//! released, so Python threads (and Spark's Python workers) sign in parallel.

use std::sync::RwLock;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

use crate::demo;
use crate::error::{Error, ErrorCode, Result};
use crate::issue::Issuer;
use crate::issue::StatusListToken;
use crate::issuer::batch::{BatchIssuer, StatusAllocation};
use crate::issuer::pkcs11::{Pkcs11Config, Pkcs11Signer};
use crate::json::{self, Object, Value};
use crate::jwk::{Jwks, PrivateJwk};
use crate::jws::SigningAlg;
use crate::limits::MAX_TIMESTAMP;
use crate::model::{Dimension, SignedModel};
use crate::policy::{OrderContext, Policy};
use crate::scorer::{Disclosure, ScoreRequest, Scorer};
use crate::snapshot::VerifyOptions;
use crate::status::StatusList;

create_exception!(
    edgescore,
    EdgescoreError,
    PyException,
    "An edgescore error: `code` is the stable ERR_… code (docs/errors.md), `message` is for people."
);

/// The Python exception for an edgescore error, with `code` and `message` attributes.
fn to_py(error: Error) -> PyErr {
    Python::attach(|py| {
        let exception = EdgescoreError::new_err(format!("{}: {}", error.code(), error.message()));
        let value = exception.value(py);
        let attributes =
            value.setattr("code", error.code().as_str()).and_then(|()| value.setattr("message", error.message()));
        match attributes {
            Ok(()) => exception,
            Err(failed) => failed,
        }
    })
}

fn config_error(message: impl Into<String>) -> Error {
    Error::with_message(ErrorCode::ConfigInvalid, message.into())
}

fn parse_object(text: &str, what: &str) -> Result<Object> {
    json::parse_object(text.as_bytes()).map_err(|e| e.context(what))
}

/// A JSON string literal.
fn quoted(text: &str) -> String {
    Value::from(text).to_json()
}

/// Signs snapshots for a batch: a key (a private JWK, the demo key or a PKCS#11 token), the
/// claims every snapshot shares and the models whose schemas may be issued.
#[pyclass(frozen, module = "edgescore._edgescore")]
struct PyIssuer {
    batch: BatchIssuer,
    model_ids: Vec<(String, String, String)>,
}

#[pymethods]
impl PyIssuer {
    #[new]
    #[pyo3(signature = (private_jwk=None, *, demo_key=false, pkcs11=None, kid=None, iss=None, aud=Vec::new(), lifetime_seconds=crate::demo::DEMO_SNAPSHOT_LIFETIME_SECONDS, now, models=None, jwks=None, alg="EdDSA", status_uri=None, status_size=1 << 20))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        private_jwk: Option<&str>,
        demo_key: bool,
        pkcs11: Option<(String, String, String, String)>,
        kid: Option<String>,
        iss: Option<String>,
        aud: Vec<String>,
        lifetime_seconds: i64,
        now: i64,
        models: Option<Vec<String>>,
        jwks: Option<&str>,
        alg: &str,
        status_uri: Option<String>,
        status_size: u64,
    ) -> PyResult<PyIssuer> {
        let build = || -> Result<PyIssuer> {
            let alg = SigningAlg::parse(alg).map_err(|e| e.recode(ErrorCode::ConfigInvalid))?;
            let issuer = match (private_jwk, demo_key, pkcs11) {
                (Some(jwk), false, None) => Issuer::new(PrivateJwk::parse(jwk.as_bytes())?),
                (None, true, None) => demo::issuer()?,
                (None, false, Some((module, token_label, key_label, pin))) => {
                    let config = Pkcs11Config { module: module.into(), token_label, key_label, pin };
                    Issuer::with_signer(Box::new(Pkcs11Signer::open(&config)?), kid.clone())?
                }
                _ => return Err(config_error("give exactly one of private_jwk, demo_key=True and pkcs11")),
            };
            let issuer = match (&kid, private_jwk) {
                // A kid given for a key file replaces the JWK's own.
                (Some(kid), Some(jwk)) => {
                    let mut key = PrivateJwk::parse(jwk.as_bytes())?;
                    key.kid = Some(kid.clone());
                    Issuer::new(key)
                }
                _ => issuer,
            }
            .with_alg(alg);
            let iss = match (iss, demo_key) {
                (Some(iss), _) => iss,
                (None, true) => demo::DEMO_ISSUER.to_owned(),
                (None, false) => return Err(config_error("iss is required unless demo_key=True")),
            };
            let signed = match models {
                None => vec![demo::consumer_model()?, demo::seller_model()?],
                Some(tokens) => {
                    let keys = match jwks {
                        Some(text) => Jwks::parse(text.as_bytes())?,
                        None => demo::jwks()?,
                    };
                    tokens.iter().map(|token| SignedModel::verify(token, &keys)).collect::<Result<Vec<_>>>()?
                }
            };
            let model_ids = signed
                .iter()
                .map(|m| (m.model().id().to_owned(), m.model().version().to_owned(), m.digest().to_owned()))
                .collect();
            let status = status_uri.map(|uri| StatusAllocation::new(&issuer, uri, status_size)).transpose()?;
            let batch = BatchIssuer {
                issuer,
                iss,
                issued_at: now,
                lifetime: lifetime_seconds,
                audience: aud,
                models: signed.iter().map(|m| m.model().clone()).collect(),
                status,
            };
            batch.validate()?;
            Ok(PyIssuer { batch, model_ids })
        };
        build().map_err(to_py)
    }

    /// The key id in every snapshot's header.
    #[getter]
    fn kid(&self) -> &str {
        self.batch.issuer.kid()
    }

    /// The header `alg`.
    #[getter]
    fn alg(&self) -> &str {
        self.batch.issuer.alg().as_str()
    }

    /// `iss`.
    #[getter]
    fn iss(&self) -> &str {
        &self.batch.iss
    }

    /// `iat` of every snapshot.
    #[getter]
    fn iat(&self) -> i64 {
        self.batch.issued_at
    }

    /// Seconds from `iat` to `exp`.
    #[getter]
    fn lifetime_seconds(&self) -> i64 {
        self.batch.lifetime
    }

    /// `aud`.
    #[getter]
    fn aud(&self) -> Vec<String> {
        self.batch.audience.clone()
    }

    /// The models whose schemas may be issued: `(id, version, digest)`.
    #[getter]
    fn models(&self) -> Vec<(String, String, String)> {
        self.model_ids.clone()
    }

    /// The status list the snapshots get entries in: `(uri, size)`, or `None`.
    #[getter]
    fn status_list(&self) -> Option<(String, u64)> {
        self.batch.status.as_ref().map(|status| (status.uri.clone(), status.size))
    }

    /// The status list token with every entry valid (`statuslist+jwt`, `ttl` five minutes,
    /// `exp` a day after `iat`), as `issue-batch --status-list-out` writes it.
    fn status_list_token(&self) -> PyResult<String> {
        let Some(status) = &self.batch.status else {
            return Err(to_py(config_error("this issuer has no status list (status_uri)")));
        };
        let build = || -> Result<String> {
            let list = StatusList::new(2, status.size)?;
            self.batch.issuer.sign_status_list(&StatusListToken {
                uri: &status.uri,
                issuer: Some(&self.batch.iss),
                issued_at: self.batch.issued_at,
                expires_at: Some(self.batch.issued_at.saturating_add(86_400)),
                ttl: Some(300),
                list: &list,
            })
        };
        build().map_err(to_py)
    }

    /// The issuer's public JWKS (JSON text), for verifiers.
    fn jwks(&self) -> PyResult<String> {
        Jwks::from_jwks([self.batch.issuer.public_jwk()]).map(|jwks| jwks.to_json()).map_err(to_py)
    }

    /// Signs one snapshot (the SD-JWT in its issuance form). `features` and `holder` are JSON
    /// object text; with a status list, `status_ordinal` picks the entry (each ordinal once per
    /// list).
    #[pyo3(signature = (sub, schema, features, holder=None, status_ordinal=None))]
    fn issue(
        &self,
        py: Python<'_>,
        sub: &str,
        schema: &str,
        features: &str,
        holder: Option<&str>,
        status_ordinal: Option<u64>,
    ) -> PyResult<String> {
        let ordinal = self.ordinal(status_ordinal).map_err(to_py)?;
        let line = row_line(sub, schema, features, holder);
        py.detach(|| self.batch.issue_snapshot(line.as_bytes(), ordinal).map(|issued| issued.snapshot)).map_err(to_py)
    }

    /// Signs many rows with the GIL released. Returns five lists as long as the input: the
    /// snapshot (`None` when rejected), its `jti`, its status list index, and the error code and
    /// message of a rejected row. Lists must have the same length; `holders` may be omitted;
    /// with a status list, `status_ordinals` gives each row's entry (each ordinal once per
    /// list, across every call and every task).
    #[pyo3(signature = (subs, schemas, features, holders=None, status_ordinals=None))]
    #[allow(clippy::type_complexity)]
    fn issue_rows(
        &self,
        py: Python<'_>,
        subs: Vec<String>,
        schemas: Vec<String>,
        features: Vec<String>,
        holders: Option<Vec<Option<String>>>,
        status_ordinals: Option<Vec<u64>>,
    ) -> PyResult<IssuedRows> {
        let rows = subs.len();
        if schemas.len() != rows
            || features.len() != rows
            || holders.as_ref().is_some_and(|h| h.len() != rows)
            || status_ordinals.as_ref().is_some_and(|o| o.len() != rows)
        {
            return Err(to_py(config_error(
                "subs, schemas, features, holders and status_ordinals must have the same length",
            )));
        }
        if self.batch.status.is_some() && status_ordinals.is_none() {
            return Err(to_py(config_error("an issuer with a status list needs status_ordinals")));
        }
        Ok(py.detach(|| {
            let mut out = IssuedRows::default();
            for (index, ((sub, schema), features)) in subs.iter().zip(&schemas).zip(&features).enumerate() {
                let holder = holders.as_ref().and_then(|h| h.get(index)).and_then(Option::as_deref);
                let ordinal = status_ordinals.as_ref().and_then(|o| o.get(index)).copied().unwrap_or(0);
                let line = row_line(sub, schema, features, holder);
                match self.batch.issue_snapshot(line.as_bytes(), ordinal) {
                    Ok(issued) => {
                        out.0.push(Some(issued.snapshot));
                        out.1.push(Some(issued.jti));
                        out.2.push(issued.status_idx);
                        out.3.push(None);
                        out.4.push(None);
                    }
                    Err(error) => {
                        out.0.push(None);
                        out.1.push(None);
                        out.2.push(None);
                        out.3.push(Some(error.code().as_str().to_owned()));
                        out.4.push(Some(error.message().to_owned()));
                    }
                }
            }
            out
        }))
    }
}

/// What `issue_rows` returns: snapshots, `jti`s, status indexes, error codes, error messages.
type IssuedRows =
    (Vec<Option<String>>, Vec<Option<String>>, Vec<Option<u64>>, Vec<Option<String>>, Vec<Option<String>>);

impl PyIssuer {
    /// The status ordinal of a single issue: required with a status list.
    fn ordinal(&self, given: Option<u64>) -> Result<u64> {
        match (given, &self.batch.status) {
            (Some(ordinal), _) => Ok(ordinal),
            (None, None) => Ok(0),
            (None, Some(_)) => Err(config_error("an issuer with a status list needs status_ordinal")),
        }
    }
}

/// A features line as `issue-batch` reads it, so both take the same path.
fn row_line(sub: &str, schema: &str, features: &str, holder: Option<&str>) -> String {
    let mut line = format!("{{\"sub\":{},\"schema\":{},\"features\":{features}", quoted(sub), quoted(schema));
    if let Some(holder) = holder {
        line.push_str(",\"holder\":");
        line.push_str(holder);
    }
    line.push('}');
    line
}

/// Verifies, scores and decides, as the CLI's `score` and the JavaScript `Scorer` do.
#[pyclass(frozen, module = "edgescore._edgescore")]
struct PyScorer {
    /// Written only to hold a status list; read by every score.
    scorer: RwLock<Scorer>,
}

fn seconds(value: Option<i64>, default: u64, what: &str) -> Result<u64> {
    match value {
        None => Ok(default),
        Some(value) if (0..=MAX_TIMESTAMP).contains(&value) => Ok(value as u64),
        Some(_) => Err(config_error(format!("{what} must be whole seconds from 0 to {MAX_TIMESTAMP}"))),
    }
}

#[pymethods]
impl PyScorer {
    #[new]
    #[pyo3(signature = (jwks=None, model=None, *, model_jwks=None, policy=None, audience=None, issuers=Vec::new(), leeway_seconds=None, max_age_seconds=None, no_max_age=false, require_binding=false, presentation_max_age_seconds=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        jwks: Option<&str>,
        model: Option<&str>,
        model_jwks: Option<&str>,
        policy: Option<&str>,
        audience: Option<String>,
        issuers: Vec<String>,
        leeway_seconds: Option<i64>,
        max_age_seconds: Option<i64>,
        no_max_age: bool,
        require_binding: bool,
        presentation_max_age_seconds: Option<i64>,
    ) -> PyResult<PyScorer> {
        let build = || -> Result<Scorer> {
            let keys = match jwks {
                Some(text) => Jwks::parse(text.as_bytes())?,
                None => demo::jwks()?,
            };
            let model = match model {
                Some(token) => {
                    let model_keys = model_jwks.map(|text| Jwks::parse(text.as_bytes())).transpose()?;
                    SignedModel::verify(token, model_keys.as_ref().unwrap_or(&keys))?
                }
                None => demo::consumer_model()?,
            };
            let policy = match policy {
                Some(text) => Policy::parse(text.as_bytes())?,
                None => Policy::default_rentals(),
            };
            let defaults = VerifyOptions::default();
            if no_max_age && max_age_seconds.is_some() {
                return Err(config_error("give max_age_seconds or no_max_age, not both"));
            }
            let options = VerifyOptions {
                audience,
                issuers,
                leeway_seconds: seconds(leeway_seconds, defaults.leeway_seconds, "leeway_seconds")?,
                max_age_seconds: if no_max_age {
                    None
                } else {
                    Some(seconds(max_age_seconds, defaults.max_age_seconds.unwrap_or(0), "max_age_seconds")?)
                },
                require_holder_binding: require_binding,
                presentation_max_age_seconds: seconds(
                    presentation_max_age_seconds,
                    defaults.presentation_max_age_seconds,
                    "presentation_max_age_seconds",
                )?,
                ..defaults
            };
            Scorer::new(keys, model, policy, options)
        };
        build().map(|scorer| PyScorer { scorer: RwLock::new(scorer) }).map_err(to_py)
    }

    /// Verifies a status list token at `now` and holds it (replacing an older one for the same
    /// URI); returns its summary as JSON text (`uri`, `iss`, `iat`, `exp`, `ttl`, `bits`,
    /// `size`).
    #[pyo3(signature = (token, *, now))]
    fn add_status_list(&self, token: &str, now: i64) -> PyResult<String> {
        let mut scorer = self.scorer.write().map_err(|_| to_py(config_error("the scorer is unusable")))?;
        let summary = scorer.add_status_list(token, now).map(|list| list.summary()).map_err(to_py)?;
        Ok(summary.to_json())
    }

    /// Scores one presentation (`<issuer-jwt>~<disclosure>~…~<kb-jwt>`, or a snapshot without
    /// key binding); the result as JSON text. `context` is the order context as JSON text;
    /// `disclose` is `band` or `full`.
    #[pyo3(signature = (presentation, *, now, nonce=None, context=None, disclose="band"))]
    fn score(
        &self,
        presentation: &str,
        now: i64,
        nonce: Option<&str>,
        context: Option<&str>,
        disclose: &str,
    ) -> PyResult<String> {
        let disclose = Disclosure::parse(disclose).map_err(to_py)?;
        self.score_one(presentation, now, nonce, context, disclose).map_err(to_py)
    }

    /// Scores many `(presentation, nonce, context)` items with the GIL released; one JSON text
    /// per item: the result, or `{"error":{"code","message"}}`.
    #[pyo3(signature = (items, *, now, disclose="band"))]
    #[allow(clippy::type_complexity)]
    fn score_many(
        &self,
        py: Python<'_>,
        items: Vec<(String, Option<String>, Option<String>)>,
        now: i64,
        disclose: &str,
    ) -> PyResult<Vec<String>> {
        let disclose = Disclosure::parse(disclose).map_err(to_py)?;
        Ok(py.detach(|| {
            items
                .iter()
                .map(|(presentation, nonce, context)| {
                    match self.score_one(presentation, now, nonce.as_deref(), context.as_deref(), disclose) {
                        Ok(json) => json,
                        Err(error) => Object::new().with("error", error.to_object()).to_json(),
                    }
                })
                .collect()
        }))
    }

    /// The model in use: `(id, version, digest)`.
    #[getter]
    fn model(&self) -> PyResult<(String, String, String)> {
        let scorer = self.scorer.read().map_err(|_| to_py(config_error("the scorer is unusable")))?;
        let signed = scorer.model();
        Ok((signed.model().id().to_owned(), signed.model().version().to_owned(), signed.digest().to_owned()))
    }
}

impl PyScorer {
    fn score_one(
        &self,
        presentation: &str,
        now: i64,
        nonce: Option<&str>,
        context: Option<&str>,
        disclose: Disclosure,
    ) -> Result<String> {
        if !(0..=MAX_TIMESTAMP).contains(&now) {
            return Err(config_error(format!("now must be whole seconds from 0 to {MAX_TIMESTAMP}")));
        }
        let context = match context {
            Some(text) => OrderContext::parse(text.as_bytes())?,
            None => OrderContext::default(),
        };
        let request = ScoreRequest { now, nonce, context, disclose };
        let scorer = self.scorer.read().map_err(|_| config_error("the scorer is unusable"))?;
        scorer.score(presentation, &request).map(|result| result.to_json())
    }
}

/// Scores raw feature rows (JSON object text each) with a signed model, no snapshot and no
/// signature on the rows, with the GIL released. One JSON text per row:
/// `{"score","raw_score","band","dimensions":{…},"reasons":[{"code","points"}]}` or
/// `{"error":{…}}`. `model` defaults to the demo consumer model, `jwks` to the demo JWKS.
#[pyfunction]
#[pyo3(signature = (rows, model=None, jwks=None))]
fn score_feature_rows(
    py: Python<'_>,
    rows: Vec<String>,
    model: Option<&str>,
    jwks: Option<&str>,
) -> PyResult<Vec<String>> {
    let signed = (|| -> Result<SignedModel> {
        match model {
            Some(token) => {
                let keys = match jwks {
                    Some(text) => Jwks::parse(text.as_bytes())?,
                    None => demo::jwks()?,
                };
                SignedModel::verify(token, &keys)
            }
            None => demo::consumer_model(),
        }
    })()
    .map_err(to_py)?;
    let model = signed.model();
    Ok(py.detach(|| {
        rows.iter()
            .map(|row| {
                let scored = parse_object(row, "features row").and_then(|features| model.score_features(&features));
                match scored {
                    Ok(outcome) => {
                        let mut dimensions = Object::new();
                        for (dimension, value) in Dimension::ALL.iter().zip(outcome.dimensions) {
                            dimensions.insert(dimension.id(), value.map_or(Value::Null, |v| Value::from(i64::from(v))));
                        }
                        let reasons: Vec<Value> = outcome
                            .reasons
                            .iter()
                            .map(|r| {
                                Value::Object(Object::new().with("code", r.code.as_str()).with("points", r.points))
                            })
                            .collect();
                        let band = model.band(outcome.band).map(|b| b.id.clone()).unwrap_or_default();
                        Object::new()
                            .with("score", outcome.score)
                            .with("raw_score", outcome.raw_score)
                            .with("band", band)
                            .with("dimensions", dimensions)
                            .with("reasons", reasons)
                            .to_json()
                    }
                    Err(error) => Object::new().with("error", error.to_object()).to_json(),
                }
            })
            .collect()
    }))
}

/// The demo issuer's JWKS and signed models (demo only), for defaults and examples.
#[pyfunction]
fn demo_material() -> (&'static str, &'static str, &'static str) {
    (demo::DEMO_JWKS_JSON.trim(), demo::DEMO_CONSUMER_MODEL_JWS.trim(), demo::DEMO_SELLER_MODEL_JWS.trim())
}

/// Every error code the core reports (the `code` of `EdgescoreError`).
#[pyfunction]
fn error_codes() -> Vec<&'static str> {
    ErrorCode::ALL.iter().map(|code| code.as_str()).collect()
}

/// The native module, `edgescore._edgescore`.
#[pymodule]
fn _edgescore(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("EdgescoreError", py.get_type::<EdgescoreError>())?;
    module.add_class::<PyIssuer>()?;
    module.add_class::<PyScorer>()?;
    module.add_function(wrap_pyfunction!(score_feature_rows, module)?)?;
    module.add_function(wrap_pyfunction!(demo_material, module)?)?;
    module.add_function(wrap_pyfunction!(error_codes, module)?)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
