//! Feature snapshots: verification of the issuer's signature, the claims, the clock and the
//! holder binding. [`verify_snapshot`] is the only way to obtain a [`VerifiedSnapshot`], and
//! scoring only takes a [`VerifiedSnapshot`], so nothing scores an unverified snapshot.
//!
//! Claims (all times are integer seconds since the epoch; any other type is an error, never
//! "absent"): `iss`, `sub`, `jti` (strings), `iat`, `exp` (required), `nbf` (optional), `aud`
//! (optional: a string or an array of strings that must contain the verifier's audience),
//! `schema` (the feature-schema id), `features` (an object of scalar values), and `cnf.jwk`
//! (optional holder key, RFC 7800).
//!
//! Holder binding (modelled on SD-JWT key binding): when the snapshot carries `cnf.jwk`, or
//! the verifier requires binding, a key-binding JWS (`typ` `kb+jwt`) signed by that key must
//! carry the verifier's `nonce`, the verifier's `aud`, a fresh `iat`, and `sd_hash`, the
//! base64url SHA-256 of the exact snapshot string.

use sha2::{Digest, Sha256};

use crate::b64;
use crate::ed25519::KeyCache;
use crate::ed25519::PublicKey;
use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::json::{Object, Value};
use crate::jwk::{Jwk, Jwks};
use crate::jws::{self, TokenKind};
use crate::limits::{MAX_CLAIM_STRING, MAX_FEATURES, MAX_LEEWAY_SECONDS, MAX_TIMESTAMP};

/// The default clock leeway.
pub const DEFAULT_LEEWAY_SECONDS: u64 = 60;
/// The default maximum snapshot age (31 days; bureaus refresh scores monthly).
pub const DEFAULT_MAX_AGE_SECONDS: u64 = 31 * 24 * 3600;
/// The default maximum age of a key-binding JWS (5 minutes).
pub const DEFAULT_PRESENTATION_MAX_AGE_SECONDS: u64 = 300;

/// What a verifier checks beyond the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The verifier's audience (merchant id). Needed for holder binding and for snapshots
    /// that carry `aud`.
    pub audience: Option<String>,
    /// Accepted issuers; empty accepts any issuer whose key is in the JWKS.
    pub issuers: Vec<String>,
    /// Clock leeway for `exp`, `nbf`, `iat` and the maximum ages.
    pub leeway_seconds: u64,
    /// The oldest snapshot (`now − iat`) accepted; `None` for no limit beyond `exp`.
    pub max_age_seconds: Option<u64>,
    /// Refuse snapshots without a holder key (`cnf.jwk`).
    pub require_holder_binding: bool,
    /// The oldest key-binding JWS (`now − iat`) accepted.
    pub presentation_max_age_seconds: u64,
}

impl Default for VerifyOptions {
    fn default() -> VerifyOptions {
        VerifyOptions {
            audience: None,
            issuers: Vec::new(),
            leeway_seconds: DEFAULT_LEEWAY_SECONDS,
            max_age_seconds: Some(DEFAULT_MAX_AGE_SECONDS),
            require_holder_binding: false,
            presentation_max_age_seconds: DEFAULT_PRESENTATION_MAX_AGE_SECONDS,
        }
    }
}

impl VerifyOptions {
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
        if let Some(audience) = &self.audience {
            check_claim_string(audience, "audience").map_err(|e| e.recode(ErrorCode::ConfigInvalid))?;
        }
        for issuer in &self.issuers {
            check_claim_string(issuer, "issuer").map_err(|e| e.recode(ErrorCode::ConfigInvalid))?;
        }
        Ok(())
    }
}

/// A holder's key-binding JWS and the nonce the verifier issued for it.
#[derive(Clone, Copy, Debug)]
pub struct Presentation<'a> {
    /// The key-binding JWS (`kb+jwt`).
    pub token: &'a str,
    /// The nonce the verifier issued; the JWS must carry exactly this.
    pub nonce: Option<&'a str>,
}

/// A snapshot whose signature, claims, clock and holder binding all verified.
#[derive(Clone, Debug)]
pub struct VerifiedSnapshot {
    kid: String,
    issuer: String,
    subject: String,
    jti: String,
    issued_at: i64,
    expires_at: i64,
    schema: String,
    features: Object,
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
    /// `jti`.
    pub fn jti(&self) -> &str {
        &self.jti
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
    /// The feature-schema id.
    pub fn schema(&self) -> &str {
        &self.schema
    }
    /// The features, as signed.
    pub fn features(&self) -> &Object {
        &self.features
    }
    /// Whether a holder binding was checked.
    pub fn is_holder_bound(&self) -> bool {
        self.holder_key.is_some()
    }
}

/// Verifies a snapshot (and its presentation, when bound) against the issuer keys.
pub fn verify_snapshot(
    token: &str,
    keys: &Jwks,
    options: &VerifyOptions,
    now: i64,
    presentation: Option<Presentation<'_>>,
) -> Result<VerifiedSnapshot> {
    verify_snapshot_cached(token, keys, options, now, presentation, None)
}

/// As [`verify_snapshot`], loading holder keys through `holder_keys` (see [`KeyCache`]).
pub fn verify_snapshot_cached(
    token: &str,
    keys: &Jwks,
    options: &VerifyOptions,
    now: i64,
    presentation: Option<Presentation<'_>>,
    holder_keys: Option<&KeyCache>,
) -> Result<VerifiedSnapshot> {
    let parsed = jws::parse(token, TokenKind::Snapshot)?;
    let kid = parsed.kid().unwrap_or_default().to_owned();
    let Some(key) = keys.find(&kid) else {
        bail!(UnknownKid, "no issuer key has kid \"{}\"", truncate(&kid, 40));
    };
    let claims = parsed.verify(key)?.payload_object()?;
    let leeway = options.leeway_seconds as i64;

    let issuer = required_string(&claims, "iss")?;
    if !options.issuers.is_empty() && !options.issuers.contains(&issuer) {
        bail!(Issuer, "issuer \"{}\" is not accepted", truncate(&issuer, 60));
    }
    let subject = required_string(&claims, "sub")?;
    let jti = required_string(&claims, "jti")?;
    let issued_at = required_time(&claims, "iat")?;
    let expires_at = required_time(&claims, "exp")?;
    let not_before = optional_time(&claims, "nbf")?;
    if expires_at <= issued_at {
        bail!(ClaimInvalid, "\"exp\" is not after \"iat\"");
    }
    if not_before.is_some_and(|nbf| nbf >= expires_at) {
        bail!(ClaimInvalid, "\"nbf\" is not before \"exp\"");
    }
    if now >= expires_at.saturating_add(leeway) {
        bail!(Expired, "snapshot expired at {expires_at}");
    }
    if not_before.is_some_and(|nbf| nbf > now.saturating_add(leeway)) {
        bail!(NotYetValid, "snapshot is not valid before {}", not_before.unwrap_or_default());
    }
    if issued_at > now.saturating_add(leeway) {
        bail!(NotYetValid, "snapshot is issued in the future ({issued_at})");
    }
    if let Some(max_age) = options.max_age_seconds {
        if now.saturating_sub(issued_at) > (max_age as i64).saturating_add(leeway) {
            bail!(TooOld, "snapshot is older than {max_age} seconds");
        }
    }
    check_audience(claims.get("aud"), options.audience.as_deref(), "snapshot")?;
    let schema = required_string(&claims, "schema")?;
    let features = read_features(&claims)?;
    let holder_key = read_holder_key(&claims, holder_keys)?;

    match (&holder_key, presentation) {
        (Some(holder_key), Some(presentation)) => {
            verify_key_binding(presentation, holder_key, token, options, now)?;
        }
        (Some(_), None) => {
            bail!(HolderBinding, "snapshot is bound to a holder key: a presentation (key-binding JWS) is required")
        }
        (None, _) if options.require_holder_binding => {
            bail!(HolderBinding, "snapshot is not bound to a holder key (no \"cnf\")")
        }
        (None, Some(_)) => bail!(
            HolderBinding,
            "a presentation was given but the snapshot has no holder key (\"cnf\") to check it against"
        ),
        (None, None) => {}
    }
    Ok(VerifiedSnapshot { kid, issuer, subject, jti, issued_at, expires_at, schema, features, holder_key, now })
}

/// The `sd_hash` of a snapshot: base64url SHA-256 of its exact compact string.
pub fn sd_hash(snapshot: &str) -> String {
    b64::encode(&Sha256::digest(snapshot.as_bytes()))
}

fn verify_key_binding(
    presentation: Presentation<'_>,
    holder_key: &PublicKey,
    snapshot: &str,
    options: &VerifyOptions,
    now: i64,
) -> Result<()> {
    let parsed = jws::parse(presentation.token, TokenKind::KeyBinding).map_err(|e| e.context("presentation"))?;
    let verified = parsed.verify(holder_key).map_err(|e| match e.code() {
        ErrorCode::SignatureInvalid => {
            Error::new(ErrorCode::HolderBinding, "presentation is not signed by the snapshot's holder key")
        }
        _ => e.context("presentation"),
    })?;
    let claims = verified.payload_object().map_err(|e| e.context("presentation"))?;
    let in_presentation = |e: Error| e.recode(ErrorCode::HolderBinding).context("presentation");

    let Some(expected_nonce) = presentation.nonce else {
        bail!(HolderBinding, "the verifier gave no nonce to check the presentation against");
    };
    let nonce = required_string(&claims, "nonce").map_err(in_presentation)?;
    if nonce != expected_nonce {
        bail!(NonceMismatch, "presentation carries another nonce than the verifier issued");
    }
    let Some(audience) = options.audience.as_deref() else {
        bail!(Audience, "the verifier has no audience configured to check the presentation against");
    };
    match claims.get("aud") {
        Some(Value::String(aud)) if aud == audience => {}
        Some(Value::String(_)) => bail!(Audience, "presentation is for another audience"),
        _ => bail!(HolderBinding, "presentation: \"aud\" must be a string"),
    }
    let issued_at = required_time(&claims, "iat").map_err(in_presentation)?;
    let leeway = options.leeway_seconds as i64;
    if issued_at > now.saturating_add(leeway) {
        bail!(HolderBinding, "presentation is issued in the future");
    }
    let max_age = options.presentation_max_age_seconds as i64;
    if now.saturating_sub(issued_at) > max_age.saturating_add(leeway) {
        bail!(HolderBinding, "presentation is older than {max_age} seconds");
    }
    if let Some(expires_at) = optional_time(&claims, "exp").map_err(in_presentation)? {
        if now >= expires_at.saturating_add(leeway) {
            bail!(HolderBinding, "presentation has expired");
        }
    }
    let hash = required_string(&claims, "sd_hash").map_err(in_presentation)?;
    if hash != sd_hash(snapshot) {
        bail!(HolderBinding, "presentation's \"sd_hash\" does not match the snapshot");
    }
    Ok(())
}

fn check_claim_string(value: &str, name: &str) -> Result<()> {
    if value.is_empty() || value.len() > MAX_CLAIM_STRING {
        bail!(ClaimInvalid, "\"{name}\" must be 1 to {MAX_CLAIM_STRING} bytes long");
    }
    Ok(())
}

pub(crate) fn required_string(claims: &Object, name: &str) -> Result<String> {
    match claims.get(name) {
        Some(Value::String(value)) => {
            check_claim_string(value, name)?;
            Ok(value.clone())
        }
        Some(other) => bail!(ClaimInvalid, "\"{name}\" must be a string, not {}", other.type_name()),
        None => bail!(ClaimInvalid, "required claim \"{name}\" is missing"),
    }
}

fn optional_time(claims: &Object, name: &str) -> Result<Option<i64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(number)) => match number.as_i64() {
            Some(time) if (0..=MAX_TIMESTAMP).contains(&time) => Ok(Some(time)),
            _ => bail!(ClaimInvalid, "\"{name}\" must be whole seconds between 0 and {MAX_TIMESTAMP}"),
        },
        Some(other) => bail!(ClaimInvalid, "\"{name}\" must be a number of seconds, not {}", other.type_name()),
    }
}

fn required_time(claims: &Object, name: &str) -> Result<i64> {
    optional_time(claims, name)?
        .ok_or_else(|| Error::with_message(ErrorCode::ClaimInvalid, format!("required claim \"{name}\" is missing")))
}

fn check_audience(aud: Option<&Value>, audience: Option<&str>, what: &str) -> Result<()> {
    let listed: Vec<&str> = match aud {
        None => return Ok(()),
        Some(Value::String(aud)) => vec![aud.as_str()],
        Some(Value::Array(items)) if !items.is_empty() => {
            let mut listed = Vec::with_capacity(items.len());
            for item in items {
                match item.as_str() {
                    Some(aud) => listed.push(aud),
                    None => bail!(ClaimInvalid, "\"aud\" must hold only strings"),
                }
            }
            listed
        }
        Some(_) => bail!(ClaimInvalid, "\"aud\" must be a string or a non-empty array of strings"),
    };
    let Some(audience) = audience else {
        bail!(Audience, "{what} is addressed to an audience but the verifier has none configured");
    };
    if !listed.contains(&audience) {
        bail!(Audience, "{what} is not addressed to this verifier's audience");
    }
    Ok(())
}

fn read_features(claims: &Object) -> Result<Object> {
    let features = match claims.get("features") {
        Some(Value::Object(features)) => features,
        Some(_) => bail!(ClaimInvalid, "\"features\" must be an object"),
        None => bail!(ClaimInvalid, "required claim \"features\" is missing"),
    };
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
    Ok(features.clone())
}

fn read_holder_key(claims: &Object, holder_keys: Option<&KeyCache>) -> Result<Option<PublicKey>> {
    match claims.get("cnf") {
        None => Ok(None),
        Some(Value::Object(cnf)) => match cnf.get("jwk") {
            Some(Value::Object(jwk)) => {
                let load = |bytes: &[u8]| match holder_keys {
                    Some(cache) => cache.load(bytes),
                    None => PublicKey::from_bytes(bytes),
                };
                Ok(Some(*Jwk::from_object_with(jwk, &load).map_err(|e| e.context("holder key (cnf.jwk)"))?.key()))
            }
            _ => bail!(ClaimInvalid, "\"cnf\" must hold a \"jwk\" object"),
        },
        Some(_) => bail!(ClaimInvalid, "\"cnf\" must be an object"),
    }
}
