//! Feature snapshots as SD-JWT VCs (RFC 9901, SD-JWT VC): verification of the issuer's
//! signature, the selective disclosures, the claims, the clock and the key binding.
//! [`verify_snapshot`] is the only way to obtain a [`VerifiedSnapshot`], and scoring only takes a
//! [`VerifiedSnapshot`], so nothing scores an unverified snapshot.
//!
//! A snapshot travels as the SD-JWT string `<issuer-jwt>~<disclosure>~…~[<kb-jwt>]`. In order:
//! split and size caps ([`sdjwt::split`]); the issuer-signed JWT (`typ` `dc+sd-jwt`) through the
//! JWS rules and the issuer key its `kid` names; the disclosures processed against its payload
//! ([`sdjwt::disclose`]); then the claims (all times integer seconds since the epoch; any other
//! type is an error, never "absent"): `iss`, `sub` (strings), `jti` (optional), `iat`, `exp`
//! (required), `nbf` (optional), `aud` (optional: a string or an array of strings that must
//! contain the verifier's audience), `vct` (the feature schema), `features` (an object of
//! scalar values, each member normally disclosed selectively), `cnf.jwk` (optional holder key,
//! RFC 7800) and `status` (optional Token Status List reference). `iss`, `iat`, `nbf`, `exp`,
//! `aud`, `cnf`, `vct` and `status` must be signed in the clear.
//!
//! Key binding (RFC 9901 §4.3, §7.3): when the snapshot carries `cnf.jwk` a key-binding JWT
//! (`typ` `kb+jwt`) signed by that key must end the string and carry the verifier's `nonce`,
//! the verifier's `aud`, a fresh `iat`, and `sd_hash`, the base64url SHA-256 of everything
//! before it up to and including the last `~`. A key-binding JWT on a snapshot without `cnf` is
//! refused, and so is a snapshot without `cnf` when the verifier requires binding.

use crate::ed25519::KeyCache;
use crate::ed25519::PublicKey;
use crate::error::{bail, truncate, ClaimReason, Error, ErrorCode, Result};
use serde::Deserialize;

use crate::json::{self, Object, Value};
use crate::jwk::{Jwk, Jwks};
use crate::jws::{self, TokenKind};
use crate::limits::{MAX_CLAIM_STRING, MAX_FEATURES, MAX_LEEWAY_SECONDS, MAX_TIMESTAMP};
use crate::model::Model;
use crate::sdjwt;
use crate::status::StatusReference;

/// The default clock leeway.
pub const DEFAULT_LEEWAY_SECONDS: u64 = 60;
/// The default maximum snapshot age (31 days; bureaus refresh scores monthly).
pub const DEFAULT_MAX_AGE_SECONDS: u64 = 31 * 24 * 3600;
/// The default maximum age of a key-binding JWT (5 minutes).
pub const DEFAULT_PRESENTATION_MAX_AGE_SECONDS: u64 = 300;

/// What a verifier checks beyond the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The verifier's audience (merchant id). Needed for holder binding and for snapshots
    /// that carry `aud`; presentation requests name it.
    pub audience: Option<String>,
    /// Other audiences this verifier answers to (a merchant known by several ids): a
    /// presentation addressed to any of them verifies as one addressed to `audience`.
    pub additional_audiences: Vec<String>,
    /// Accepted issuers; empty accepts any issuer whose key is in the JWKS.
    pub issuers: Vec<String>,
    /// Clock leeway for `exp`, `nbf`, `iat` and the maximum ages.
    pub leeway_seconds: u64,
    /// The oldest snapshot (`now − iat`) accepted; `None` for no limit beyond `exp`.
    pub max_age_seconds: Option<u64>,
    /// Refuse snapshots without a holder key (`cnf.jwk`).
    pub require_holder_binding: bool,
    /// The oldest key-binding JWT (`now − iat`) accepted.
    pub presentation_max_age_seconds: u64,
}

impl Default for VerifyOptions {
    fn default() -> VerifyOptions {
        VerifyOptions {
            audience: None,
            additional_audiences: Vec::new(),
            issuers: Vec::new(),
            leeway_seconds: DEFAULT_LEEWAY_SECONDS,
            max_age_seconds: Some(DEFAULT_MAX_AGE_SECONDS),
            require_holder_binding: false,
            presentation_max_age_seconds: DEFAULT_PRESENTATION_MAX_AGE_SECONDS,
        }
    }
}

impl VerifyOptions {
    /// Whether `aud` is one of this verifier's audiences.
    pub fn accepts_audience(&self, aud: &str) -> bool {
        self.audience.as_deref() == Some(aud) || self.additional_audiences.iter().any(|other| other == aud)
    }

    /// Checks the options themselves (`ERR_CONFIG_INVALID`).
    pub fn validate(&self) -> Result<()> {
        if self.leeway_seconds > MAX_LEEWAY_SECONDS {
            bail!(ConfigInvalid, "leeway may be at most {MAX_LEEWAY_SECONDS} seconds");
        }
        if self.max_age_seconds.is_some_and(|age| age > MAX_TIMESTAMP as u64) {
            bail!(ConfigInvalid, "maximum age is out of range");
        }
        if self.presentation_max_age_seconds == 0 || self.presentation_max_age_seconds > MAX_LEEWAY_SECONDS {
            bail!(ConfigInvalid, "presentation maximum age must be 1 to {MAX_LEEWAY_SECONDS} seconds");
        }
        if self.audience.is_none() && !self.additional_audiences.is_empty() {
            bail!(ConfigInvalid, "additional audiences need an audience");
        }
        for audience in self.audience.iter().chain(&self.additional_audiences) {
            check_claim_string(audience, "audience").map_err(|e| e.recode(ErrorCode::ConfigInvalid))?;
        }
        for issuer in &self.issuers {
            check_claim_string(issuer, "issuer").map_err(|e| e.recode(ErrorCode::ConfigInvalid))?;
        }
        Ok(())
    }
}

/// A snapshot whose signature, disclosures, claims, clock and key binding all verified.
#[derive(Clone, Debug)]
pub struct VerifiedSnapshot {
    kid: String,
    issuer: String,
    subject: String,
    jti: Option<String>,
    issued_at: i64,
    expires_at: i64,
    vct: String,
    features: Object,
    status: Option<StatusReference>,
    holder_key: Option<PublicKey>,
    now: i64,
}

impl VerifiedSnapshot {
    /// The issuer key id that signed it.
    pub fn kid(&self) -> &str {
        &self.kid
    }
    /// `iss`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// `sub` (pseudonymous person id).
    pub fn subject(&self) -> &str {
        &self.subject
    }
    /// `jti`, when the issuer wrote one.
    pub fn jti(&self) -> Option<&str> {
        self.jti.as_deref()
    }
    /// `iat`.
    pub fn issued_at(&self) -> i64 {
        self.issued_at
    }
    /// `exp`.
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }
    /// Seconds since `iat` at verification time (0 when `iat` is within the leeway ahead).
    pub fn age_seconds(&self) -> i64 {
        self.now.saturating_sub(self.issued_at).max(0)
    }
    /// `vct`: the feature schema (a model's `schema`).
    pub fn schema(&self) -> &str {
        &self.vct
    }
    /// The features the holder disclosed (and any the issuer signed in the clear).
    pub fn features(&self) -> &Object {
        &self.features
    }
    /// The snapshot's place in its issuer's status list, when it has one.
    pub fn status(&self) -> Option<&StatusReference> {
        self.status.as_ref()
    }
    /// Whether a key binding was checked.
    pub fn is_holder_bound(&self) -> bool {
        self.holder_key.is_some()
    }
    /// The holder key the key binding was checked against, for a bound snapshot.
    pub fn holder_key(&self) -> Option<&PublicKey> {
        self.holder_key.as_ref()
    }

    /// The snapshot as `model` reads it: the schema must be the model's (`ERR_SCHEMA_MISMATCH`),
    /// every feature a characteristic reads must have been disclosed
    /// (`ERR_FEATURE_NOT_DISCLOSED`: a holder who hides a feature is refused, never scored as
    /// missing), and only those features are kept (what else was disclosed is ignored).
    pub fn for_model(&self, model: &Model) -> Result<VerifiedSnapshot> {
        if self.vct != model.schema() {
            return Err(Error::with_message(
                ErrorCode::SchemaMismatch,
                format!(
                    "snapshot schema (vct) \"{}\" is not the model's \"{}\"",
                    truncate(&self.vct, 60),
                    model.schema()
                ),
            )
            .about("vct", ClaimReason::CheckFailed));
        }
        let read = model_features(model);
        let missing: Vec<&str> = read.iter().copied().filter(|name| !self.features.contains(name)).collect();
        if let Some(first) = missing.first() {
            return Err(Error::with_message(
                ErrorCode::FeatureNotDisclosed,
                format!(
                    "the model reads {} feature(s) that were not disclosed: {}",
                    missing.len(),
                    truncate(&missing.join(", "), 200)
                ),
            )
            .about(truncate(first, 64).to_owned(), ClaimReason::Missing));
        }
        let features = self.features.iter().filter(|(name, _)| read.contains(name)).collect::<Vec<_>>();
        let mut kept = Object::new();
        for (name, value) in features {
            kept.insert(name, value.clone());
        }
        Ok(VerifiedSnapshot { features: kept, ..self.clone() })
    }
}

/// The features a model reads (each characteristic's), in model order, each once.
pub fn model_features(model: &Model) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for characteristic in model.characteristics() {
        if let Some(spec) = model.features().get(characteristic.feature_index()) {
            if !names.contains(&spec.name.as_str()) {
                names.push(spec.name.as_str());
            }
        }
    }
    names
}

/// Claims a verifier relies on to process a snapshot: never disclosed selectively.
const CLEAR_CLAIMS: [&str; 9] = ["iss", "iat", "nbf", "exp", "aud", "cnf", "vct", "status", "features"];

/// Verifies a snapshot (an SD-JWT, with its key-binding JWT when bound) against the issuer
/// keys; `nonce` is the one the verifier issued for the key binding.
pub fn verify_snapshot(
    sd_jwt: &str,
    keys: &Jwks,
    options: &VerifyOptions,
    now: i64,
    nonce: Option<&str>,
) -> Result<VerifiedSnapshot> {
    verify_snapshot_cached(sd_jwt, keys, options, now, nonce, None)
}

/// As [`verify_snapshot`], loading holder keys through `holder_keys` (see [`KeyCache`]).
pub fn verify_snapshot_cached(
    sd_jwt: &str,
    keys: &Jwks,
    options: &VerifyOptions,
    now: i64,
    nonce: Option<&str>,
    holder_keys: Option<&KeyCache>,
) -> Result<VerifiedSnapshot> {
    let parts = sdjwt::split(sd_jwt)?;
    let parsed = jws::parse(parts.issuer_jwt, TokenKind::Snapshot)?;
    let kid = parsed.kid().unwrap_or_default().to_owned();
    let Some(key) = keys.find(&kid) else {
        bail!(UnknownKid, "no issuer key has kid \"{}\"", truncate(&kid, 40));
    };
    let verified = parsed.verify(key)?;
    let processed = sdjwt::disclose(verified.payload_object()?, &parts.disclosures)?;
    sdjwt::require_clear(&processed, &CLEAR_CLAIMS)?;
    let payload = Value::Object(processed.claims);
    let claims: SnapshotClaims = json::from_value(&payload).map_err(|e| claim_error(e, ErrorCode::ClaimInvalid))?;
    let leeway = options.leeway_seconds as i64;

    let issuer = claims.iss.0;
    if !options.issuers.is_empty() && !options.issuers.contains(&issuer) {
        return Err(failed(ErrorCode::Issuer, "iss", format!("issuer \"{}\" is not accepted", truncate(&issuer, 60))));
    }
    let (issued_at, expires_at, not_before) = (claims.iat.0, claims.exp.0, claims.nbf.map(|nbf| nbf.0));
    if expires_at <= issued_at {
        return Err(
            Error::new(ErrorCode::ClaimInvalid, "\"exp\" is not after \"iat\"").about("exp", ClaimReason::Invalid)
        );
    }
    if not_before.is_some_and(|nbf| nbf >= expires_at) {
        return Err(
            Error::new(ErrorCode::ClaimInvalid, "\"nbf\" is not before \"exp\"").about("nbf", ClaimReason::Invalid)
        );
    }
    if now >= expires_at.saturating_add(leeway) {
        return Err(failed(ErrorCode::Expired, "exp", format!("snapshot expired at {expires_at}")));
    }
    if let Some(nbf) = not_before.filter(|nbf| *nbf > now.saturating_add(leeway)) {
        return Err(failed(ErrorCode::NotYetValid, "nbf", format!("snapshot is not valid before {nbf}")));
    }
    if issued_at > now.saturating_add(leeway) {
        return Err(failed(ErrorCode::NotYetValid, "iat", format!("snapshot is issued in the future ({issued_at})")));
    }
    if let Some(max_age) = options.max_age_seconds {
        if now.saturating_sub(issued_at) > (max_age as i64).saturating_add(leeway) {
            return Err(failed(ErrorCode::TooOld, "iat", format!("snapshot is older than {max_age} seconds")));
        }
    }
    check_audience(claims.aud.as_ref(), options, "snapshot")?;
    let features = check_features(claims.features)?;
    let status = claims
        .status
        .as_ref()
        .map(StatusReference::from_claim)
        .transpose()
        .map_err(|e| e.about("status", ClaimReason::Invalid))?;
    let holder_key = match &claims.cnf {
        None => None,
        Some(cnf) => {
            let load = |bytes: &[u8]| match holder_keys {
                Some(cache) => cache.load(bytes),
                None => PublicKey::from_bytes(bytes),
            };
            Some(
                *Jwk::from_object_with(&cnf.jwk, &load)
                    .map_err(|e| e.context("holder key (cnf.jwk)").about("cnf", ClaimReason::Invalid))?
                    .key(),
            )
        }
    };
    let (subject, jti, vct) = (claims.sub.0, claims.jti.map(|jti| jti.0), claims.vct.0);

    match (&holder_key, parts.key_binding_jwt) {
        (Some(holder_key), Some(kb_jwt)) => {
            verify_key_binding(kb_jwt, parts.hashed_part, holder_key, nonce, options, now)?;
        }
        (Some(_), None) => {
            bail!(HolderBinding, "snapshot is bound to a holder key: a key-binding JWT must end the presentation")
        }
        (None, _) if options.require_holder_binding => {
            return Err(Error::new(ErrorCode::HolderBinding, "snapshot is not bound to a holder key (no \"cnf\")")
                .about("cnf", ClaimReason::Missing))
        }
        (None, Some(_)) => bail!(
            HolderBinding,
            "a key-binding JWT was sent but the snapshot has no holder key (\"cnf\") to check it against"
        ),
        (None, None) => {}
    }
    Ok(VerifiedSnapshot { kid, issuer, subject, jti, issued_at, expires_at, vct, features, status, holder_key, now })
}

/// The `sd_hash` of a presentation: base64url SHA-256 of everything up to and including the
/// last `~` (RFC 9901 §4.3.1).
pub fn sd_hash(hashed_part: &str) -> String {
    sdjwt::digest(hashed_part)
}

fn verify_key_binding(
    kb_jwt: &str,
    hashed_part: &str,
    holder_key: &PublicKey,
    nonce: Option<&str>,
    options: &VerifyOptions,
    now: i64,
) -> Result<()> {
    let parsed = jws::parse(kb_jwt, TokenKind::KeyBinding).map_err(|e| e.context("key-binding JWT"))?;
    let verified = parsed.verify(holder_key).map_err(|e| match e.code() {
        ErrorCode::SignatureInvalid => {
            Error::new(ErrorCode::HolderBinding, "the key-binding JWT is not signed by the snapshot's holder key")
        }
        _ => e.context("key-binding JWT"),
    })?;
    let payload = Value::Object(verified.payload_object().map_err(|e| e.context("key-binding JWT"))?);
    let claims: KeyBindingClaims =
        json::from_value(&payload).map_err(|e| claim_error(e, ErrorCode::HolderBinding).context("key-binding JWT"))?;

    let Some(expected_nonce) = nonce else {
        return Err(Error::new(
            ErrorCode::HolderBinding,
            "the verifier gave no nonce to check the key-binding JWT against",
        )
        .about("nonce", ClaimReason::CheckFailed));
    };
    if claims.nonce.0 != expected_nonce {
        return Err(Error::new(
            ErrorCode::NonceMismatch,
            "the key-binding JWT carries another nonce than the verifier issued",
        )
        .about("nonce", ClaimReason::CheckFailed));
    }
    if options.audience.is_none() {
        return Err(Error::new(
            ErrorCode::Audience,
            "the verifier has no audience configured to check the key-binding JWT against",
        )
        .about("aud", ClaimReason::CheckFailed));
    }
    if !options.accepts_audience(&claims.aud) {
        return Err(Error::new(ErrorCode::Audience, "the key-binding JWT is for another audience")
            .about("aud", ClaimReason::CheckFailed));
    }
    // Clock errors get the clock codes, as the snapshot's own do: a wallet whose clock is fast
    // made a genuine proof, and should be told to fix its clock, not that the proof is not its own.
    let issued_at = claims.iat.0;
    let leeway = options.leeway_seconds as i64;
    if issued_at > now.saturating_add(leeway) {
        return Err(failed(
            ErrorCode::NotYetValid,
            "iat",
            format!(
                "the key-binding JWT is issued {} seconds in the future (the holder's clock is ahead; leeway {leeway} seconds)",
                issued_at.saturating_sub(now)
            ),
        ));
    }
    let max_age = options.presentation_max_age_seconds as i64;
    if now.saturating_sub(issued_at) > max_age.saturating_add(leeway) {
        return Err(failed(
            ErrorCode::TooOld,
            "iat",
            format!(
                "the key-binding JWT is older than {max_age} seconds (issued {} seconds ago)",
                now.saturating_sub(issued_at)
            ),
        ));
    }
    if let Some(exp) = claims.exp.filter(|exp| now >= exp.0.saturating_add(leeway)) {
        return Err(failed(ErrorCode::Expired, "exp", format!("the key-binding JWT expired at {}", exp.0)));
    }
    if claims.sd_hash.0 != sd_hash(hashed_part) {
        return Err(Error::new(
            ErrorCode::HolderBinding,
            "the key-binding JWT's \"sd_hash\" does not match the presentation",
        )
        .about("sd_hash", ClaimReason::CheckFailed));
    }
    Ok(())
}

/// The snapshot's claims as signed. Types are checked here (`ERR_CLAIM_INVALID`, naming the
/// claim); rules between claims and against the verifier's options after.
#[derive(Deserialize)]
struct SnapshotClaims {
    iss: ClaimString,
    sub: ClaimString,
    #[serde(default)]
    jti: Option<ClaimString>,
    iat: Timestamp,
    exp: Timestamp,
    #[serde(default)]
    nbf: Option<Timestamp>,
    #[serde(default)]
    aud: Option<Audience>,
    vct: ClaimString,
    features: Object,
    #[serde(default)]
    cnf: Option<Confirmation>,
    #[serde(default)]
    status: Option<Value>,
}

/// `cnf` (RFC 7800): the holder's key.
#[derive(Deserialize)]
struct Confirmation {
    jwk: Object,
}

/// The key-binding JWT's claims.
#[derive(Deserialize)]
struct KeyBindingClaims {
    nonce: ClaimString,
    aud: String,
    iat: Timestamp,
    #[serde(default)]
    exp: Option<Timestamp>,
    sd_hash: ClaimString,
}

/// A string claim of 1 to [`MAX_CLAIM_STRING`] bytes.
struct ClaimString(String);

impl<'de> Deserialize<'de> for ClaimString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<ClaimString, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.is_empty() || text.len() > MAX_CLAIM_STRING {
            return Err(serde::de::Error::custom(format_args!("must be 1 to {MAX_CLAIM_STRING} bytes long")));
        }
        Ok(ClaimString(text))
    }
}

/// Whole seconds since the epoch, 0 to [`MAX_TIMESTAMP`] (a string, a fraction or `1.7e9` is
/// an error, never "absent").
#[derive(Clone, Copy)]
struct Timestamp(i64);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Timestamp, D::Error> {
        match i64::deserialize(deserializer)? {
            time if (0..=MAX_TIMESTAMP).contains(&time) => Ok(Timestamp(time)),
            _ => Err(serde::de::Error::custom(format_args!("must be whole seconds between 0 and {MAX_TIMESTAMP}"))),
        }
    }
}

/// `aud`: one string, or a non-empty array of strings.
struct Audience(Vec<String>);

impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Audience, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(one) => Ok(Audience(vec![one])),
            Value::Array(items) if !items.is_empty() => items
                .into_iter()
                .map(|item| match item {
                    Value::String(text) => Ok(text),
                    _ => Err(serde::de::Error::custom("must hold only strings")),
                })
                .collect::<std::result::Result<Vec<_>, _>>()
                .map(Audience),
            _ => Err(serde::de::Error::custom("must be a string or a non-empty array of strings")),
        }
    }
}

fn check_claim_string(value: &str, name: &str) -> Result<()> {
    if value.is_empty() || value.len() > MAX_CLAIM_STRING {
        bail!(ClaimInvalid, "\"{name}\" must be 1 to {MAX_CLAIM_STRING} bytes long");
    }
    Ok(())
}

fn check_audience(aud: Option<&Audience>, options: &VerifyOptions, what: &str) -> Result<()> {
    let Some(Audience(listed)) = aud else { return Ok(()) };
    if options.audience.is_none() {
        return Err(failed(
            ErrorCode::Audience,
            "aud",
            format!("{what} is addressed to an audience but the verifier has none configured"),
        ));
    }
    if !listed.iter().any(|aud| options.accepts_audience(aud)) {
        return Err(failed(ErrorCode::Audience, "aud", format!("{what} is not addressed to this verifier's audience")));
    }
    Ok(())
}

/// A claim check that failed: `code`, the message, and the claim it is about.
fn failed(code: ErrorCode, claim: &'static str, message: String) -> Error {
    Error::with_message(code, message).about(claim, ClaimReason::CheckFailed)
}

/// A claim of the wrong type or missing, as `code`, naming the claim.
fn claim_error(error: json::DeError, code: ErrorCode) -> Error {
    let member = error.member();
    let error = error.into_error(code);
    match member {
        Some((claim, reason)) => error.about(claim, reason),
        None => error,
    }
}

fn check_features(features: Object) -> Result<Object> {
    if features.len() > MAX_FEATURES {
        bail!(TooLarge, "snapshot has more than {MAX_FEATURES} features");
    }
    if let Some((name, value)) = features.iter().find(|(_, value)| matches!(value, Value::Array(_) | Value::Object(_)))
    {
        bail!(
            FeatureInvalid,
            "feature \"{}\" must be a number, string, boolean or null, not {}",
            truncate(name, 40),
            value.type_name()
        );
    }
    Ok(features)
}
