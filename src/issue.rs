//! Signing: snapshots and models for the issuer, key-binding JWS for the holder.
//!
//! Pure like the rest of the core: keys, times and identifiers come in as arguments (Ed25519
//! signing is deterministic, so the same inputs give the same token).

use crate::ed25519::SecretKey;
use crate::error::{bail, truncate, Result};
use crate::json::{self, Object, Value};
use crate::jwk::{Jwk, PrivateJwk};
use crate::jws::{self, SigningAlg, TokenKind};
use crate::limits::{MAX_CLAIM_STRING, MAX_TIMESTAMP};
use crate::model::Model;
use crate::snapshot::sd_hash;

/// The claims of a snapshot to issue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapshotClaims {
    /// `iss`.
    pub issuer: String,
    /// `sub`, a pseudonymous person id.
    pub subject: String,
    /// `jti`, unique per snapshot.
    pub jti: String,
    /// `iat`.
    pub issued_at: i64,
    /// `nbf`, when different from `iat`.
    pub not_before: Option<i64>,
    /// `exp`.
    pub expires_at: i64,
    /// `aud`: none, one (written as a string) or several (an array).
    pub audience: Vec<String>,
    /// The feature-schema id.
    pub schema: String,
    /// The features.
    pub features: Object,
    /// The holder's public key, written as `cnf.jwk`.
    pub holder: Option<Jwk>,
}

impl SnapshotClaims {
    /// The claims object, in a fixed member order.
    pub fn to_object(&self) -> Object {
        let mut claims = Object::new()
            .with("iss", self.issuer.as_str())
            .with("sub", self.subject.as_str())
            .with("jti", self.jti.as_str())
            .with("iat", self.issued_at);
        if let Some(nbf) = self.not_before {
            claims.insert("nbf", nbf);
        }
        claims.insert("exp", self.expires_at);
        match self.audience.as_slice() {
            [] => {}
            [one] => claims.insert("aud", one.as_str()),
            many => claims.insert("aud", many.iter().map(|a| Value::from(a.as_str())).collect::<Vec<_>>()),
        }
        if let Some(holder) = &self.holder {
            claims.insert("cnf", Object::new().with("jwk", holder.to_object()));
        }
        claims.insert("schema", self.schema.as_str());
        claims.insert("features", self.features.clone());
        claims
    }

    /// Checks what a verifier will check of the claims themselves (not of the clock).
    pub fn validate(&self) -> Result<()> {
        for (name, value) in
            [("iss", &self.issuer), ("sub", &self.subject), ("jti", &self.jti), ("schema", &self.schema)]
        {
            if value.is_empty() || value.len() > MAX_CLAIM_STRING {
                bail!(ClaimInvalid, "\"{name}\" must be 1 to {MAX_CLAIM_STRING} bytes long");
            }
        }
        let in_range = |t: i64| (0..=MAX_TIMESTAMP).contains(&t);
        if !in_range(self.issued_at) || !in_range(self.expires_at) || self.not_before.is_some_and(|t| !in_range(t)) {
            bail!(ClaimInvalid, "times must be whole seconds between 0 and {MAX_TIMESTAMP}");
        }
        if self.expires_at <= self.issued_at {
            bail!(ClaimInvalid, "\"exp\" must be after \"iat\"");
        }
        if let Some((name, _)) =
            self.features.iter().find(|(_, value)| matches!(value, Value::Array(_) | Value::Object(_)))
        {
            bail!(FeatureInvalid, "feature \"{}\" must be a number, string, boolean or null", truncate(name, 40));
        }
        Ok(())
    }
}

/// An issuer signing key with its `kid`.
pub struct Issuer {
    key: SecretKey,
    kid: String,
    alg: SigningAlg,
}

impl Issuer {
    /// An issuer from a private JWK; without a `kid` the key's RFC 7638 thumbprint is used.
    pub fn new(jwk: PrivateJwk) -> Issuer {
        let kid = jwk.kid.clone().unwrap_or_else(|| jwk.public_jwk().thumbprint());
        Issuer { key: jwk.secret, kid, alg: SigningAlg::default() }
    }

    /// Writes this `alg` in headers (`EdDSA` by default).
    pub fn with_alg(mut self, alg: SigningAlg) -> Issuer {
        self.alg = alg;
        self
    }

    /// The key id written in headers.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public JWK with the `kid`.
    pub fn public_jwk(&self) -> Jwk {
        Jwk::new(self.key.public_key(), Some(self.kid.clone()))
    }

    /// Signs a snapshot.
    pub fn issue(&self, claims: &SnapshotClaims) -> Result<String> {
        claims.validate()?;
        Ok(jws::sign(
            TokenKind::Snapshot,
            self.alg,
            Some(&self.kid),
            claims.to_object().to_json().as_bytes(),
            &self.key,
        ))
    }

    /// Validates a model document and signs its compact JSON form.
    pub fn sign_model(&self, model_json: &[u8]) -> Result<String> {
        Model::parse(model_json)?;
        let compact = json::parse(model_json)?.to_json();
        Ok(jws::sign(TokenKind::Model, self.alg, Some(&self.kid), compact.as_bytes(), &self.key))
    }
}

/// The holder's key-binding JWS (`kb+jwt`) for a snapshot, a verifier's nonce and audience.
pub fn present(snapshot: &str, holder: &SecretKey, nonce: &str, audience: &str, issued_at: i64) -> Result<String> {
    if nonce.is_empty() || nonce.len() > MAX_CLAIM_STRING || audience.is_empty() || audience.len() > MAX_CLAIM_STRING {
        bail!(ClaimInvalid, "nonce and audience must be 1 to {MAX_CLAIM_STRING} bytes long");
    }
    if !(0..=MAX_TIMESTAMP).contains(&issued_at) {
        bail!(ClaimInvalid, "time must be whole seconds between 0 and {MAX_TIMESTAMP}");
    }
    let claims = Object::new()
        .with("nonce", nonce)
        .with("aud", audience)
        .with("iat", issued_at)
        .with("sd_hash", sd_hash(snapshot));
    Ok(jws::sign(TokenKind::KeyBinding, SigningAlg::default(), None, claims.to_json().as_bytes(), holder))
}
