//! The WebAssembly adapter: the only module that knows wasm-bindgen (feature `wasm`).
//!
//! Everything crosses the boundary as JSON text, parsed here by the core's strict parser (so
//! documents keep the strict rules: duplicate names, exact numbers) and written by
//! [`json::to_string`]; JSON text measured as fast as serde-wasm-bindgen objects for results
//! (docs/js.md, "The boundary") at no size cost. Every call that can fail returns an envelope, `{"ok":true,"result":…}` or
//! `{"ok":false,"error":{"code":"ERR_…","message":"…"}}`, so no Rust error ever becomes a trap.
//! The JavaScript package (`pkg/src/`) turns envelopes into results and
//! `EdgescoreError`s, and re-instantiates the module if anything traps.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::b64;
use crate::ed25519::SecretKey;
use crate::error::{Error, ErrorCode, Result};
use crate::issue::{self, KeyBinding};
use crate::json::{self, Object, Value};
use crate::jwk::{Jwk, Jwks, PrivateJwk};
use crate::limits::MAX_BATCH;
use crate::model::SignedModel;
use crate::policy::{OrderContext, Policy};
use crate::receipt::{verify_receipt as verify_decision_receipt, ReceiptKey, ReceiptRequest, ReceiptVerifyOptions};
use crate::request::PresentationRequest;
use crate::scorer::{Disclosure, ScoreRequest, ScoreResult, Scorer};
use crate::snapshot::VerifyOptions;

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// What every call that can fail returns: `{"ok":true,"result":…}` or
/// `{"ok":false,"error":{…}}`, written as JSON text in one pass.
#[derive(Serialize)]
struct Envelope<'a, T> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Object>,
}

fn error_envelope(error: &Error) -> String {
    let failed: Envelope<'_, ()> = Envelope { ok: false, result: None, error: Some(error.to_object()) };
    json::to_string(&failed).unwrap_or_default()
}

fn envelope<T: Serialize>(result: Result<T>) -> String {
    match result {
        Ok(value) => json::to_string(&Envelope { ok: true, result: Some(&value), error: None })
            .unwrap_or_else(|e| error_envelope(&e.into_error(ErrorCode::Malformed))),
        Err(error) => error_envelope(&error),
    }
}

fn config_error(message: &str) -> Error {
    Error::with_message(ErrorCode::ConfigInvalid, message)
}

/// Seconds from JavaScript: a whole, non-negative, finite number (the package checks first).
fn seconds(value: f64, what: &str) -> Result<u64> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= crate::limits::MAX_TIMESTAMP as f64 {
        Ok(value as u64)
    } else {
        Err(config_error(what))
    }
}

/// A JSON array of strings.
fn strings(text: &str, message: &str) -> Result<Vec<String>> {
    match json::parse(text.as_bytes()) {
        Ok(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| config_error(message)),
        _ => Err(config_error(message)),
    }
}

fn context_from(context: Option<String>) -> Result<OrderContext> {
    match context {
        None => Ok(OrderContext::default()),
        Some(text) => OrderContext::parse(text.as_bytes()),
    }
}

/// A scoring request from JavaScript's arguments.
fn score_request(now: f64, nonce: Option<&str>, context: Option<String>, full: bool) -> Result<ScoreRequest<'_>> {
    Ok(ScoreRequest {
        now: seconds(now, "now must be whole seconds since the epoch")? as i64,
        nonce,
        context: context_from(context)?,
        disclose: if full { Disclosure::Full } else { Disclosure::Band },
    })
}

/// A scorer for JavaScript; see `Scorer` in `pkg/src/scorer.js`, which checks the types of
/// every argument before they get here.
#[wasm_bindgen]
pub struct WasmScorer {
    scorer: Scorer,
    receipt_key: Option<ReceiptKey>,
}

#[wasm_bindgen]
impl WasmScorer {
    /// Builds a scorer; throws the error envelope as a string. `audiences` and `issuers` are
    /// JSON arrays of strings (the first audience is the one requests name; none: no audience).
    /// Omitted numbers take the core's defaults; `max_age` below zero means no limit beyond
    /// `exp`.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        jwks: &str,
        model: &str,
        model_jwks: Option<String>,
        policy: &str,
        audiences: &str,
        issuers: &str,
        leeway: Option<f64>,
        max_age: Option<f64>,
        require_binding: bool,
        presentation_max_age: Option<f64>,
    ) -> core::result::Result<WasmScorer, JsValue> {
        let build = || -> Result<Scorer> {
            let keys = Jwks::parse(jwks.as_bytes())?;
            let model_keys = model_jwks.map(|text| Jwks::parse(text.as_bytes())).transpose()?;
            let model = SignedModel::verify(model, model_keys.as_ref().unwrap_or(&keys))?;
            // The package passes the default policy when the caller gives none.
            let policy = Policy::parse(policy.as_bytes())?;
            let issuers = strings(issuers, "issuers must be an array of strings")?;
            let mut audiences = strings(audiences, "audience must be a string or an array of strings")?.into_iter();
            let defaults = VerifyOptions::default();
            let options = VerifyOptions {
                audience: audiences.next(),
                additional_audiences: audiences.collect(),
                issuers,
                leeway_seconds: match leeway {
                    Some(value) => seconds(value, "leewaySeconds must be whole seconds")?,
                    None => defaults.leeway_seconds,
                },
                max_age_seconds: match max_age {
                    Some(value) if value < 0.0 => None,
                    Some(value) => Some(seconds(value, "maxAgeSeconds must be whole seconds")?),
                    None => defaults.max_age_seconds,
                },
                require_holder_binding: require_binding,
                presentation_max_age_seconds: match presentation_max_age {
                    Some(value) => seconds(value, "presentationMaxAgeSeconds must be whole seconds")?,
                    None => defaults.presentation_max_age_seconds,
                },
            };
            Scorer::new(keys, model, policy, options)
        };
        build()
            .map(|scorer| WasmScorer { scorer, receipt_key: None })
            .map_err(|error| JsValue::from_str(&error_envelope(&error)))
    }

    /// Scores one presentation (an SD-JWT; envelope). `context` is the order context as JSON
    /// text.
    pub fn score(
        &self,
        presentation: &str,
        now: f64,
        nonce: Option<String>,
        context: Option<String>,
        full: bool,
    ) -> String {
        envelope(self.score_one(presentation, now, nonce.as_deref(), context, full))
    }

    fn score_one(
        &self,
        presentation: &str,
        now: f64,
        nonce: Option<&str>,
        context: Option<String>,
        full: bool,
    ) -> Result<ScoreResult> {
        self.scorer.score(presentation, &score_request(now, nonce, context, full)?)
    }

    /// Holds the merchant's private JWK for signing decision receipts (envelope with `{kid}`).
    #[wasm_bindgen(js_name = setReceiptKey)]
    pub fn set_receipt_key(&mut self, private_jwk: &str) -> String {
        envelope(PrivateJwk::parse(private_jwk.as_bytes()).map(|jwk| {
            let key = ReceiptKey::new(jwk);
            let kid = key.kid().to_owned();
            self.receipt_key = Some(key);
            Object::new().with("kid", kid)
        }))
    }

    /// As `score`, and a receipt of the decision signed with the key `setReceiptKey` gave
    /// (envelope: the result with `receipt`, the JWS).
    #[wasm_bindgen(js_name = scoreWithReceipt)]
    #[allow(clippy::too_many_arguments)]
    pub fn score_with_receipt(
        &self,
        presentation: &str,
        now: f64,
        nonce: Option<String>,
        context: Option<String>,
        full: bool,
        id: &str,
        order_reference: Option<String>,
    ) -> String {
        envelope((|| {
            let Some(key) = &self.receipt_key else {
                return Err(config_error("a receipt needs the merchant's receipt key (receiptKey)"));
            };
            let request = score_request(now, nonce.as_deref(), context, full)?;
            let ask = ReceiptRequest { id, order_reference: order_reference.as_deref() };
            let (result, receipt) = self.scorer.score_with_receipt(presentation, &request, key, ask)?;
            Ok(result.to_object().with("receipt", receipt))
        })())
    }

    /// Verifies a status list token and holds it (envelope with `{uri, iss, iat, exp, ttl,
    /// bits, size}`).
    #[wasm_bindgen(js_name = addStatusList)]
    pub fn add_status_list(&mut self, token: &str, now: f64) -> String {
        envelope(
            seconds(now, "now must be whole seconds since the epoch")
                .and_then(|now| Ok(self.scorer.add_status_list(token, now as i64)?.summary())),
        )
    }

    /// The presentation request for a nonce and its deadline (envelope).
    #[wasm_bindgen(js_name = presentationRequest)]
    pub fn presentation_request(&self, nonce: &str, expires_at: f64) -> String {
        envelope(
            seconds(expires_at, "expiresAt must be whole seconds since the epoch")
                .and_then(|at| self.scorer.presentation_request(nonce, at as i64)),
        )
    }

    /// Scores many presentations; returns a JSON array with one envelope per item. `items`:
    /// `[{presentation, nonce?, context?}]` as JSON text; each item gets the result `score`
    /// gives, in one crossing of the boundary for the whole batch.
    #[wasm_bindgen(js_name = scoreBatch)]
    pub fn score_batch(&self, items: &str, now: f64, full: bool) -> String {
        let items = match json::parse(items.as_bytes()) {
            Ok(Value::Array(items)) if items.len() <= MAX_BATCH => items,
            Ok(Value::Array(_)) => {
                return error_envelope(&Error::new(ErrorCode::TooLarge, "scoreBatch takes at most 10000 items"))
            }
            Ok(_) | Err(_) => return error_envelope(&config_error("scoreBatch takes an array of items")),
        };
        let mut out = String::with_capacity(items.len() * 256 + 32);
        out.push_str("{\"ok\":true,\"result\":[");
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            let result = match item {
                Value::Object(item) => {
                    let text = |name: &str| item.get(name).and_then(Value::as_str);
                    match text("presentation") {
                        Some(presentation) => self.score_one(
                            presentation,
                            now,
                            text("nonce"),
                            item.get("context").filter(|c| !matches!(c, Value::Null)).map(Value::to_json),
                            full,
                        ),
                        None => Err(Error::new(ErrorCode::Malformed, "item has no presentation string")),
                    }
                }
                _ => Err(Error::new(ErrorCode::Malformed, "item must be an object")),
            };
            out.push_str(&envelope(result));
        }
        out.push_str("]}");
        out
    }

    /// The model's digest (`sha256:…`).
    #[wasm_bindgen(js_name = modelDigest)]
    pub fn model_digest(&self) -> String {
        self.scorer.model().digest().to_owned()
    }
}

/// Verifies a decision receipt with the merchant's JWKS (JSON text); `issuer` the merchant it
/// must be from, `now` and `leeway` the clock for its `iat` (envelope with `{kid, receipt}`).
#[wasm_bindgen(js_name = verifyReceipt)]
pub fn verify_receipt(token: &str, jwks: &str, issuer: Option<String>, now: f64, leeway: f64) -> String {
    envelope((|| {
        let keys = Jwks::parse(jwks.as_bytes())?;
        let options = ReceiptVerifyOptions {
            issuer,
            now: Some(seconds(now, "now must be whole seconds since the epoch")? as i64),
            leeway_seconds: seconds(leeway, "leewaySeconds must be whole seconds")?,
        };
        verify_decision_receipt(token, &keys, &options).map(|verified| Object::from(&verified))
    })())
}

/// A fresh random nonce: 16 bytes from Web Crypto (`getrandom`), base64url.
#[wasm_bindgen(js_name = newNonce)]
pub fn new_nonce() -> core::result::Result<String, JsValue> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| JsValue::from_str(&format!("no randomness available: {e}")))?;
    Ok(b64::encode(&bytes))
}

/// A holder key pair kept by a wallet; see `Holder` in `pkg/src/holder.js`.
#[wasm_bindgen]
pub struct WasmHolder {
    secret: SecretKey,
}

#[wasm_bindgen]
impl WasmHolder {
    /// A new key pair from Web Crypto randomness.
    pub fn generate() -> core::result::Result<WasmHolder, JsValue> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| JsValue::from_str(&format!("no randomness available: {e}")))?;
        Ok(WasmHolder { secret: SecretKey::from_seed(&seed) })
    }

    /// A holder from a private JWK (JSON text); throws the error envelope as a string.
    #[wasm_bindgen(js_name = fromPrivateJwk)]
    pub fn from_private_jwk(jwk: &str) -> core::result::Result<WasmHolder, JsValue> {
        PrivateJwk::parse(jwk.as_bytes())
            .map(|jwk| WasmHolder { secret: jwk.secret })
            .map_err(|error| JsValue::from_str(&error_envelope(&error)))
    }

    /// The public JWK (JSON text), as an issuer puts it in `cnf`.
    #[wasm_bindgen(js_name = publicJwk)]
    pub fn public_jwk(&self) -> String {
        Jwk::new(self.secret.public_key(), None).to_object().to_json()
    }

    /// The private JWK (JSON text), for the wallet to keep.
    #[wasm_bindgen(js_name = toPrivateJwk)]
    pub fn to_private_jwk(&self) -> String {
        PrivateJwk { kid: None, secret: SecretKey::from_seed(&self.secret.seed()) }.to_object().to_json()
    }

    /// A presentation for a verifier's request (JSON text): the disclosures of exactly the
    /// features the request names for this snapshot and a key-binding JWT for its nonce and
    /// audience (envelope: `{presentation, disclosed, aud}`).
    pub fn present(&self, sd_jwt: &str, request: &str, now: f64) -> String {
        envelope(self.present_for(sd_jwt, request, now))
    }

    fn present_for(&self, sd_jwt: &str, request: &str, now: f64) -> Result<Object> {
        let now = seconds(now, "now must be whole seconds since the epoch")? as i64;
        let request = PresentationRequest::parse(request.as_bytes())?;
        let features = request.features_for(&issue::disclosable_names(sd_jwt)?).to_vec();
        let binding = KeyBinding { key: &self.secret, nonce: &request.nonce, audience: &request.aud, issued_at: now };
        let presentation = issue::present(sd_jwt, Some(&features), Some(binding))?;
        let disclosed: Vec<Value> = features.into_iter().map(Value::from).collect();
        Ok(Object::new().with("presentation", presentation).with("disclosed", disclosed).with("aud", request.aud))
    }

    /// A presentation that discloses everything, for a nonce and an audience (envelope): the
    /// holder's own view (a wallet scoring for itself).
    #[wasm_bindgen(js_name = presentAll)]
    pub fn present_all(&self, sd_jwt: &str, nonce: &str, audience: &str, now: f64) -> String {
        envelope(seconds(now, "now must be whole seconds since the epoch").and_then(|now| {
            let binding = KeyBinding { key: &self.secret, nonce, audience, issued_at: now as i64 };
            issue::present(sd_jwt, None, Some(binding))
        }))
    }
}

/// What a holder would disclose for a request (envelope with `{aud, features, model}`).
#[wasm_bindgen(js_name = disclosuresFor)]
pub fn disclosures_for(sd_jwt: &str, request: &str) -> String {
    envelope(PresentationRequest::parse(request.as_bytes()).and_then(|request| {
        let (features, model) = request.entry_for(&issue::disclosable_names(sd_jwt)?);
        let features: Vec<Value> = features.iter().map(|name| Value::from(name.as_str())).collect();
        let model = json::to_value(model).map_err(|e| e.into_error(ErrorCode::Malformed))?;
        Ok(Object::new().with("aud", request.aud.as_str()).with("features", features).with("model", model))
    }))
}

/// Checks one public JWK as an issuer key set would take it (envelope with `null`, or the
/// reason it is refused): what the package's key sets ask of each key before they use it.
#[wasm_bindgen(js_name = checkIssuerKey)]
pub fn check_issuer_key(jwk: &str) -> String {
    envelope(json::parse_object(jwk.as_bytes()).and_then(|object| Jwk::from_object(&object)).map(|_| ()))
}

/// The names a holder's SD-JWT can disclose (envelope with an array).
#[wasm_bindgen(js_name = disclosableNames)]
pub fn disclosable_names(sd_jwt: &str) -> String {
    envelope(issue::disclosable_names(sd_jwt))
}

/// Traps on purpose (an `unreachable` instruction), so tests can prove that the package
/// recovers from a trap. Not part of the public API.
#[wasm_bindgen(js_name = __trapForTests)]
pub fn trap_for_tests() {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
}
