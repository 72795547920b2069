//! Decision receipts: what a merchant signs for each decision it makes, so an order can be
//! matched to its decision, and the decision shown to a dispute reviewer, without keeping any
//! of the person's data.
//!
//! A receipt is a compact JWS (`typ` `edgescore-receipt+jwt`, `alg` `EdDSA`, the merchant key's
//! `kid`) signed with the merchant's own Ed25519 key, never the bureau's. Its payload
//! ([`ReceiptClaims`]) carries its own `format_version` (1), the merchant (`iss`, the verifier's
//! audience), the decision id (`jti`), the decision time (`iat`), the decision, the rule that
//! fired, the band, the deposit, the status check, the model (id, version, digest), the
//! snapshot's issuer and the SHA-256 of its `jti` (the person can prove a receipt is about their
//! snapshot by showing it; the receipt alone names no one), the order (the merchant's reference
//! and the context it was decided on) and, only when the result disclosed it, the score. Never a
//! feature, a sub-score or a reason.
//!
//! [`verify_receipt`] checks one in the order every token is checked here: the JWS rules
//! ([`jws::parse`]), the merchant key its `kid` names, the signature, then the payload: the
//! format version first (`ERR_UNSUPPORTED_VERSION`), then every member strictly (unknown members
//! refused, `ERR_CLAIM_INVALID`), then the expected merchant (`ERR_ISSUER`) and, given a time, an
//! `iat` not in the future (`ERR_NOT_YET_VALID`). A receipt does not expire: it is a record.

use serde::Deserialize;

use crate::ed25519::SecretKey;
use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::json::{self, Object, Value};
use crate::jwk::{Jwk, Jwks, PrivateJwk};
use crate::jws::{self, SigningAlg, TokenKind};
use crate::limits::{MAX_CLAIM_STRING, MAX_RECEIPT_ID, MAX_TIMESTAMP};
use crate::model::{model_digest, Points};
use crate::policy::{OrderContext, Outcome};
use crate::scorer::ScoreResult;

/// The receipt format this build writes and reads.
pub const RECEIPT_FORMAT_VERSION: u32 = 1;

/// The merchant's receipt signing key with its `kid`.
pub struct ReceiptKey {
    key: SecretKey,
    kid: String,
}

impl ReceiptKey {
    /// A receipt key from the merchant's private JWK; without a `kid` the key's RFC 7638
    /// thumbprint is used.
    pub fn new(jwk: PrivateJwk) -> ReceiptKey {
        let kid = jwk.kid.clone().unwrap_or_else(|| jwk.public_jwk().thumbprint());
        ReceiptKey { key: jwk.secret, kid }
    }

    /// The key id written in receipt headers.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public JWK with the `kid`, for the merchant's published key set.
    pub fn public_jwk(&self) -> Jwk {
        Jwk::new(self.key.public_key(), Some(self.kid.clone()))
    }

    /// Signs `claims` after checking them as a verifier will.
    pub fn sign(&self, claims: &ReceiptClaims) -> Result<String> {
        claims.validate()?;
        let payload = claims.to_object().to_json();
        jws::sign(TokenKind::Receipt, SigningAlg::EdDsa, Some(&self.kid), payload.as_bytes(), &self.key)
    }
}

/// What the caller says about one decision: its id and the merchant's order reference.
#[derive(Clone, Copy, Debug)]
pub struct ReceiptRequest<'a> {
    /// The decision id (`jti`): 1 to [`MAX_RECEIPT_ID`] visible ASCII characters, unique per
    /// decision.
    pub id: &'a str,
    /// The merchant's order reference, when it has one (the same rule as `id`).
    pub order_reference: Option<&'a str>,
}

/// A receipt's payload, members in this order.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptClaims {
    /// The receipt format, [`RECEIPT_FORMAT_VERSION`].
    pub format_version: u32,
    /// The merchant (the verifier's audience).
    pub iss: String,
    /// The decision id.
    pub jti: String,
    /// The decision time, seconds since the epoch.
    pub iat: i64,
    /// The decision.
    pub decision: Outcome,
    /// The policy rule that fired.
    pub rule: String,
    /// The band.
    pub band: String,
    /// The deposit to take, in minor units (`null` when the order gave none).
    #[serde(deserialize_with = "json::nullable")]
    pub deposit: Option<i64>,
    /// For `reduced_deposit`: the share of the deposit taken.
    #[serde(default)]
    pub deposit_percent: Option<i64>,
    /// For a snapshot with a status reference: `valid` or `unavailable`.
    #[serde(default)]
    pub status: Option<String>,
    /// The model that scored.
    pub model: ReceiptModel,
    /// Which snapshot was decided on, without naming anyone.
    pub snapshot: ReceiptSnapshot,
    /// The order.
    pub order: ReceiptOrder,
    /// The score, only when the result disclosed it.
    #[serde(default)]
    pub score: Option<Points>,
}

/// The model in a receipt.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptModel {
    /// Model id.
    pub id: String,
    /// Model version.
    pub version: String,
    /// `sha256:` and the hex SHA-256 of the signed model JSON.
    pub digest: String,
}

/// The snapshot in a receipt.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptSnapshot {
    /// The snapshot's issuer (the bureau).
    pub iss: String,
    /// [`jti_hash`] of the snapshot's `jti`, when it has one.
    #[serde(default)]
    pub jti_hash: Option<String>,
}

/// The order in a receipt: the merchant's reference and the context the policy decided on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptOrder {
    /// The merchant's order reference.
    #[serde(default)]
    pub reference: Option<String>,
    /// The merchant's item.
    #[serde(default)]
    pub item: Option<String>,
    /// The deposit the item normally needs, in minor units.
    #[serde(default)]
    pub deposit: Option<i64>,
    /// The order value, in minor units.
    #[serde(default)]
    pub order_value: Option<i64>,
    /// ISO 4217 currency code.
    #[serde(default)]
    pub currency: Option<String>,
}

/// `sha256:<hex>` of a snapshot's `jti` (its UTF-8 bytes), the same form as a model digest:
/// `printf %s "$JTI" | sha256sum` gives the hex.
pub fn jti_hash(jti: &str) -> String {
    model_digest(jti.as_bytes())
}

/// Whether `text` is a valid decision id or order reference.
fn is_receipt_id(text: &str) -> bool {
    (1..=MAX_RECEIPT_ID).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic())
}

impl ReceiptClaims {
    /// The claims for a decision: `merchant` is the verifier's audience, `now` the decision
    /// time, `context` the order context the policy decided on; the snapshot's issuer and
    /// `jti` come from the result's verified claims.
    pub fn for_decision(
        result: &ScoreResult,
        merchant: &str,
        request: ReceiptRequest<'_>,
        now: i64,
        context: &OrderContext,
    ) -> ReceiptClaims {
        ReceiptClaims {
            format_version: RECEIPT_FORMAT_VERSION,
            iss: merchant.to_owned(),
            jti: request.id.to_owned(),
            iat: now,
            decision: result.decision.outcome,
            rule: result.decision.rule.clone(),
            band: result.band.clone(),
            deposit: result.decision.deposit,
            deposit_percent: match result.decision.outcome {
                Outcome::ReducedDeposit => result.decision.deposit_percent,
                _ => None,
            },
            status: result.status.map(str::to_owned),
            model: ReceiptModel {
                id: result.model_id.clone(),
                version: result.model_version.clone(),
                digest: result.model_digest.clone(),
            },
            snapshot: ReceiptSnapshot {
                iss: result.claims.iss.clone(),
                jti_hash: result.claims.jti.as_deref().map(jti_hash),
            },
            order: ReceiptOrder {
                reference: request.order_reference.map(str::to_owned),
                item: context.item.clone(),
                deposit: context.deposit,
                order_value: context.order_value,
                currency: context.currency.clone(),
            },
            score: result.full.as_ref().map(|full| full.score),
        }
    }

    /// The rules a verifier checks of the claims themselves (`ERR_CLAIM_INVALID`).
    pub fn validate(&self) -> Result<()> {
        if self.format_version != RECEIPT_FORMAT_VERSION {
            bail!(UnsupportedVersion, "receipt format_version {} is not supported (only 1)", self.format_version);
        }
        for (name, value) in [
            ("iss", &self.iss),
            ("rule", &self.rule),
            ("band", &self.band),
            ("model.id", &self.model.id),
            ("model.version", &self.model.version),
            ("model.digest", &self.model.digest),
            ("snapshot.iss", &self.snapshot.iss),
        ] {
            if value.is_empty() || value.len() > MAX_CLAIM_STRING {
                bail!(ClaimInvalid, "receipt \"{name}\" must be 1 to {MAX_CLAIM_STRING} bytes long");
            }
        }
        for (name, value) in [("jti", Some(&self.jti)), ("order.reference", self.order.reference.as_ref())] {
            if value.is_some_and(|value| !is_receipt_id(value)) {
                bail!(
                    ClaimInvalid,
                    "receipt \"{name}\" must be 1 to {MAX_RECEIPT_ID} visible ASCII characters (no spaces)"
                );
            }
        }
        if !(0..=MAX_TIMESTAMP).contains(&self.iat) {
            bail!(ClaimInvalid, "receipt \"iat\" must be whole seconds between 0 and {MAX_TIMESTAMP}");
        }
        let digest_like = |text: &str| {
            text.strip_prefix("sha256:").is_some_and(|hex| {
                hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            })
        };
        if !digest_like(&self.model.digest) || self.snapshot.jti_hash.as_deref().is_some_and(|hash| !digest_like(hash))
        {
            bail!(ClaimInvalid, "receipt digests must be \"sha256:\" and 64 lowercase hex digits");
        }
        let amounts = [self.deposit, self.deposit_percent, self.order.deposit, self.order.order_value];
        if amounts.into_iter().flatten().any(|amount| amount < 0) {
            bail!(ClaimInvalid, "receipt amounts must not be negative");
        }
        if self.status.as_deref().is_some_and(|status| !matches!(status, "valid" | "unavailable")) {
            bail!(ClaimInvalid, "receipt \"status\" must be \"valid\" or \"unavailable\"");
        }
        Ok(())
    }

    /// The claims as a JSON object: the payload as signed, members in the documented order,
    /// optional members only when present.
    pub fn to_object(&self) -> Object {
        let mut out = Object::new()
            .with("format_version", i64::from(self.format_version))
            .with("iss", self.iss.as_str())
            .with("jti", self.jti.as_str())
            .with("iat", self.iat)
            .with("decision", self.decision.id())
            .with("rule", self.rule.as_str())
            .with("band", self.band.as_str())
            .with("deposit", self.deposit.map_or(Value::Null, Value::from));
        if let Some(percent) = self.deposit_percent {
            out.insert("deposit_percent", percent);
        }
        if let Some(status) = &self.status {
            out.insert("status", status.as_str());
        }
        out.insert(
            "model",
            Object::new()
                .with("id", self.model.id.as_str())
                .with("version", self.model.version.as_str())
                .with("digest", self.model.digest.as_str()),
        );
        let mut snapshot = Object::new().with("iss", self.snapshot.iss.as_str());
        if let Some(hash) = &self.snapshot.jti_hash {
            snapshot.insert("jti_hash", hash.as_str());
        }
        out.insert("snapshot", snapshot);
        let mut order = Object::new();
        let texts = [("reference", &self.order.reference), ("item", &self.order.item)];
        for (name, value) in texts {
            if let Some(value) = value {
                order.insert(name, value.as_str());
            }
        }
        for (name, value) in [("deposit", self.order.deposit), ("order_value", self.order.order_value)] {
            if let Some(value) = value {
                order.insert(name, value);
            }
        }
        if let Some(currency) = &self.order.currency {
            order.insert("currency", currency.as_str());
        }
        out.insert("order", order);
        if let Some(score) = self.score.and_then(|score| json::to_value(&score).ok()) {
            out.insert("score", score);
        }
        out
    }
}

/// What a verifier of receipts checks beyond the signature.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReceiptVerifyOptions {
    /// The merchant the receipt must be from (`iss`); `None` accepts any merchant whose key is
    /// in the key set.
    pub issuer: Option<String>,
    /// The current time: a receipt issued later than this plus `leeway_seconds` is refused.
    pub now: Option<i64>,
    /// Clock leeway for `iat`.
    pub leeway_seconds: u64,
}

/// A receipt whose signature and claims verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedReceipt {
    kid: String,
    claims: ReceiptClaims,
}

impl VerifiedReceipt {
    /// The merchant key id that signed it.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// What it says.
    pub fn claims(&self) -> &ReceiptClaims {
        &self.claims
    }
}

/// Verifies a receipt with the merchant's key set.
pub fn verify_receipt(token: &str, keys: &Jwks, options: &ReceiptVerifyOptions) -> Result<VerifiedReceipt> {
    let parsed = jws::parse(token, TokenKind::Receipt).map_err(|e| e.context("receipt"))?;
    let kid = parsed.kid().unwrap_or_default().to_owned();
    let Some(key) = keys.find(&kid) else {
        bail!(UnknownKid, "receipt: no merchant key has kid \"{}\"", truncate(&kid, 40));
    };
    let verified = parsed.verify(key)?;
    let payload = Value::Object(verified.payload_object().map_err(|e| e.context("receipt"))?);
    // The format version before anything else, so a newer receipt is "unsupported", not a list
    // of unknown members.
    match payload.as_object().and_then(|object| object.get("format_version")) {
        Some(Value::Number(number)) if number.as_str() == "1" => {}
        Some(Value::Number(number)) => bail!(
            UnsupportedVersion,
            "receipt format_version {} is not supported (only 1)",
            truncate(number.as_str(), 20)
        ),
        _ => bail!(ClaimInvalid, "receipt: \"format_version\" must be a number"),
    }
    let claims: ReceiptClaims =
        json::from_value(&payload).map_err(|e| e.into_error(ErrorCode::ClaimInvalid).context("receipt"))?;
    claims.validate()?;
    if let Some(expected) = &options.issuer {
        if &claims.iss != expected {
            bail!(Issuer, "receipt is from merchant \"{}\", not the one expected", truncate(&claims.iss, 60));
        }
    }
    if let Some(now) = options.now {
        if claims.iat > now.saturating_add(options.leeway_seconds as i64) {
            bail!(NotYetValid, "receipt is issued in the future ({})", claims.iat);
        }
    }
    Ok(VerifiedReceipt { kid, claims })
}

impl From<&VerifiedReceipt> for Object {
    /// `{"kid":…,"receipt":{claims}}`: what the CLI prints and the package returns.
    fn from(receipt: &VerifiedReceipt) -> Object {
        Object::new().with("kid", receipt.kid.as_str()).with("receipt", receipt.claims.to_object())
    }
}

/// The error for a receipt asked of a scorer with no audience to sign as.
pub(crate) fn no_merchant() -> Error {
    Error::new(ErrorCode::ConfigInvalid, "a receipt needs the verifier's audience (the merchant it is from)")
}
