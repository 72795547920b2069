//! Signing: snapshots (SD-JWT VCs), models and status list tokens for the issuer;
//! presentations (chosen disclosures and a key-binding JWT) for the holder.
//!
//! Pure like the rest of the core: keys, times, identifiers and salts come in as arguments
//! (salts through a [`SaltSource`] the caller provides; Ed25519 signing is deterministic, so the
//! same inputs and salts give the same snapshot).

use sha2::{Digest, Sha256};

use crate::ed25519::SecretKey;
use crate::error::{bail, truncate, Result};
use crate::json::{self, Object, Value};
use crate::jwk::{Jwk, PrivateJwk};
use crate::jws::{self, SigningAlg, TokenKind};
use crate::limits::{
    MAX_CLAIM_STRING, MAX_DECOYS, MAX_DISCLOSURE_BYTES, MAX_PRESENTATION_BYTES, MAX_SD_JWT_BYTES, MAX_SNAPSHOT_BYTES,
    MAX_TIMESTAMP,
};
use crate::model::Model;
use crate::sdjwt::{self, Disclosure, SALT_BYTES, SD_ALG};
use crate::signer::Signer;
use crate::snapshot::sd_hash;
use crate::status::{StatusList, StatusReference};

/// Where an issuer's salts come from: 128 bits each, unpredictable to anyone but the issuer
/// (RFC 9901 §9.3). The CLI draws them from the operating system's CSPRNG;
/// [`DerivedSalts`] derives them from a secret key.
pub trait SaltSource {
    /// The next salt.
    fn next_salt(&mut self) -> [u8; SALT_BYTES];
}

impl<F: FnMut() -> [u8; SALT_BYTES]> SaltSource for F {
    fn next_salt(&mut self) -> [u8; SALT_BYTES] {
        self()
    }
}

/// Salts derived from a secret: the first 16 bytes of HMAC-SHA-256(key, context ‖ counter).
/// Unpredictable without the key, and the same for the same key and context, so a batch that
/// is resumed signs byte for byte what an uninterrupted run signs.
pub struct DerivedSalts {
    key: [u8; 32],
    context: String,
    counter: u32,
}

impl DerivedSalts {
    /// Salts for one snapshot (`context`, for example its `jti`) from a 32-byte secret `key`.
    pub fn new(key: [u8; 32], context: impl Into<String>) -> DerivedSalts {
        DerivedSalts { key, context: context.into(), counter: 0 }
    }

    /// A salt key derived from an issuer's signing key: see [`Issuer::salt_key`].
    pub fn key_for(issuer: &Issuer) -> [u8; 32] {
        issuer.salt_key
    }
}

impl SaltSource for DerivedSalts {
    fn next_salt(&mut self) -> [u8; SALT_BYTES] {
        let mut message = self.context.clone().into_bytes();
        message.push(0);
        message.extend_from_slice(&self.counter.to_be_bytes());
        self.counter = self.counter.wrapping_add(1);
        let mac = hmac_sha256(&self.key, &message);
        let mut salt = [0u8; SALT_BYTES];
        salt.copy_from_slice(mac.get(..SALT_BYTES).unwrap_or(&[0; SALT_BYTES]));
        salt
    }
}

/// HMAC-SHA-256 (RFC 2104) for a 32-byte key.
pub(crate) fn hmac_sha256(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    let mut inner_pad = [0x36u8; 64];
    let mut outer_pad = [0x5cu8; 64];
    for (at, byte) in key.iter().enumerate() {
        if let (Some(inner), Some(outer)) = (inner_pad.get_mut(at), outer_pad.get_mut(at)) {
            *inner ^= byte;
            *outer ^= byte;
        }
    }
    let inner: [u8; 32] = Sha256::new().chain_update(inner_pad).chain_update(message).finalize().into();
    Sha256::new().chain_update(outer_pad).chain_update(inner).finalize().into()
}

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
    /// `vct`: the feature-schema id.
    pub schema: String,
    /// The features, each written as a selectively disclosable member of `features`.
    pub features: Object,
    /// The holder's public key, written as `cnf.jwk`.
    pub holder: Option<Jwk>,
    /// The snapshot's place in a status list, written as `status.status_list`.
    pub status: Option<StatusReference>,
    /// Decoy digests added among the features' (RFC 9901 §4.2.5), at most [`MAX_DECOYS`].
    pub decoys: usize,
}

impl SnapshotClaims {
    /// Checks what a verifier will check of the claims themselves (not of the clock).
    pub fn validate(&self) -> Result<()> {
        for (name, value) in [("iss", &self.issuer), ("sub", &self.subject), ("jti", &self.jti), ("vct", &self.schema)]
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
        if self.decoys > MAX_DECOYS {
            bail!(ClaimInvalid, "at most {MAX_DECOYS} decoy digests");
        }
        if let Some((name, _)) =
            self.features.iter().find(|(_, value)| matches!(value, Value::Array(_) | Value::Object(_)))
        {
            bail!(FeatureInvalid, "feature \"{}\" must be a number, string, boolean or null", truncate(name, 40));
        }
        Ok(())
    }

    /// The issuer-signed payload and the disclosures, in a fixed member order; the digests in
    /// `features._sd` are sorted, so their order says nothing about the features'.
    fn to_sd_jwt_parts(&self, salts: &mut dyn SaltSource) -> Result<(Object, Vec<Disclosure>)> {
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
        claims.insert("vct", self.schema.as_str());
        if let Some(holder) = &self.holder {
            claims.insert("cnf", Object::new().with("jwk", holder.to_object()));
        }
        if let Some(status) = &self.status {
            claims.insert("status", status.to_claim());
        }
        let mut disclosures = Vec::with_capacity(self.features.len());
        let mut digests = Vec::with_capacity(self.features.len() + self.decoys);
        for (name, value) in self.features.iter() {
            let disclosure = Disclosure::new(&salts.next_salt(), name, value.clone())?;
            digests.push(disclosure.digest());
            disclosures.push(disclosure);
        }
        for _ in 0..self.decoys {
            digests.push(sdjwt::decoy_digest(&salts.next_salt()));
        }
        digests.sort();
        let digests: Vec<Value> = digests.into_iter().map(Value::from).collect();
        claims.insert("features", Object::new().with("_sd", digests));
        claims.insert("_sd_alg", SD_ALG);
        Ok((claims, disclosures))
    }
}

/// A snapshot's features for `model`'s schema: every feature of the schema, in schema order,
/// `null` where `features` has none (the issuer's "no data", which the model's missing bins
/// score), so every feature a verifier's model reads can be disclosed. Features outside the
/// schema are kept after them (the model's check refuses them before issuing).
pub fn schema_features(model: &Model, features: &Object) -> Object {
    let mut out = Object::new();
    for spec in model.features() {
        out.insert(spec.name.as_str(), features.get(&spec.name).cloned().unwrap_or(Value::Null));
    }
    for (name, value) in features.iter() {
        if !out.contains(name) {
            out.insert(name, value.clone());
        }
    }
    out
}

/// An issuer: a [`Signer`] for its key, the key's `kid` and the header `alg`.
pub struct Issuer {
    signer: Box<dyn Signer>,
    kid: String,
    alg: SigningAlg,
    salt_key: [u8; 32],
}

/// What the salt key is derived from: the signature of this message, which no token ever signs
/// (a JWS signing input is two base64url parts joined by a dot).
const SALT_KEY_MESSAGE: &[u8] = b"edgescore salt key";

impl Issuer {
    /// An issuer from a private JWK (the file signer); without a `kid` the key's RFC 7638
    /// thumbprint is used.
    pub fn new(jwk: PrivateJwk) -> Issuer {
        let salt_key = Issuer::salt_key_from(&jwk.secret.sign(SALT_KEY_MESSAGE));
        let kid = jwk.kid.clone().unwrap_or_else(|| jwk.public_jwk().thumbprint());
        Issuer { signer: Box::new(jwk.secret), kid, alg: SigningAlg::default(), salt_key }
    }

    /// An issuer whose key is held by `signer` (a PKCS#11 token, a KMS); without a `kid` the
    /// key's RFC 7638 thumbprint is used. The signer makes one signature here (the salt key's,
    /// see [`Issuer::salt_key`]), so a signer that cannot sign fails now, not mid-batch.
    pub fn with_signer(signer: Box<dyn Signer>, kid: Option<String>) -> Result<Issuer> {
        let salt_key = Issuer::salt_key_from(&signer.sign(SALT_KEY_MESSAGE)?);
        let kid = kid.unwrap_or_else(|| crate::jwk::thumbprint(&signer.public_key()));
        Ok(Issuer { signer, kid, alg: SigningAlg::default(), salt_key })
    }

    /// The secret that batch issuance derives salts and status indexes from
    /// ([`DerivedSalts`]): SHA-256 of a domain tag and the key's Ed25519 signature of a fixed
    /// message. Ed25519 signatures are deterministic and only the key can make them, so the
    /// same key gives the same salt key whether it is in a file or in a token, and the salt
    /// key says nothing about the signing key.
    pub fn salt_key(&self) -> [u8; 32] {
        self.salt_key
    }

    fn salt_key_from(signature: &[u8]) -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(b"edgescore salt key\0");
        hash.update(signature);
        hash.finalize().into()
    }

    /// Writes this `alg` in headers (`EdDSA` by default).
    pub fn with_alg(mut self, alg: SigningAlg) -> Issuer {
        self.alg = alg;
        self
    }

    /// The `alg` written in headers.
    pub fn alg(&self) -> SigningAlg {
        self.alg
    }

    /// The key id written in headers.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public JWK with the `kid`.
    pub fn public_jwk(&self) -> Jwk {
        Jwk::new(self.signer.public_key(), Some(self.kid.clone()))
    }

    /// Issues a snapshot: the SD-JWT in its issuance form, `<issuer-jwt>~<disclosure>~…~`,
    /// one disclosure per feature. A snapshot a verifier would refuse for its size is
    /// `ERR_TOO_LARGE`, never issued: the issuer-signed JWT over [`MAX_SNAPSHOT_BYTES`], a
    /// disclosure over [`MAX_DISCLOSURE_BYTES`], or an issuance form that leaves no room for a
    /// key-binding JWT ([`MAX_PRESENTATION_BYTES`]) under the [`MAX_SD_JWT_BYTES`] cap of a
    /// presentation with every disclosure.
    pub fn issue(&self, claims: &SnapshotClaims, salts: &mut dyn SaltSource) -> Result<String> {
        claims.validate()?;
        let (payload, disclosures) = claims.to_sd_jwt_parts(salts)?;
        let mut sd_jwt = jws::sign(
            TokenKind::Snapshot,
            self.alg,
            Some(&self.kid),
            payload.to_json().as_bytes(),
            self.signer.as_ref(),
        )?;
        if sd_jwt.len() > MAX_SNAPSHOT_BYTES {
            bail!(
                TooLarge,
                "the issuer-signed JWT would be {} bytes, more than the {MAX_SNAPSHOT_BYTES} a verifier accepts",
                sd_jwt.len()
            );
        }
        sd_jwt.push('~');
        for disclosure in disclosures {
            if disclosure.encoded.len() > MAX_DISCLOSURE_BYTES {
                bail!(TooLarge, "a disclosure would be more than the {MAX_DISCLOSURE_BYTES} bytes a verifier accepts");
            }
            sd_jwt.push_str(&disclosure.encoded);
            sd_jwt.push('~');
        }
        if sd_jwt.len() + MAX_PRESENTATION_BYTES > MAX_SD_JWT_BYTES {
            bail!(
                TooLarge,
                "the snapshot would be {} bytes, leaving no room for a key-binding JWT under the {MAX_SD_JWT_BYTES} a \
                 verifier accepts",
                sd_jwt.len()
            );
        }
        Ok(sd_jwt)
    }

    /// Validates a model document and signs its compact JSON form.
    pub fn sign_model(&self, model_json: &[u8]) -> Result<String> {
        Model::parse(model_json)?;
        let compact = json::parse(model_json)?.to_json();
        jws::sign(TokenKind::Model, self.alg, Some(&self.kid), compact.as_bytes(), self.signer.as_ref())
    }

    /// Signs a status list token (`statuslist+jwt`): `sub` the list's URI, `iat`, optional
    /// `exp` and `ttl`, and the list ZLIB-compressed.
    pub fn sign_status_list(&self, token: &StatusListToken<'_>) -> Result<String> {
        if token.uri.is_empty() || token.uri.len() > crate::limits::MAX_STATUS_URI {
            bail!(StatusListInvalid, "the status list URI must be 1 to {} bytes", crate::limits::MAX_STATUS_URI);
        }
        let in_range = |t: i64| (0..=MAX_TIMESTAMP).contains(&t);
        if !in_range(token.issued_at) || token.expires_at.is_some_and(|exp| !in_range(exp) || exp <= token.issued_at) {
            bail!(StatusListInvalid, "\"iat\" and \"exp\" must be whole seconds with \"exp\" after \"iat\"");
        }
        if token.ttl.is_some_and(|ttl| ttl == 0 || ttl > MAX_TIMESTAMP) {
            bail!(StatusListInvalid, "\"ttl\" must be a positive number of seconds");
        }
        let mut claims = Object::new().with("sub", token.uri);
        if let Some(iss) = token.issuer {
            claims.insert("iss", iss);
        }
        claims.insert("iat", token.issued_at);
        if let Some(exp) = token.expires_at {
            claims.insert("exp", exp);
        }
        if let Some(ttl) = token.ttl {
            claims.insert("ttl", ttl);
        }
        claims.insert(
            "status_list",
            Object::new().with("bits", i64::from(token.list.bits())).with("lst", token.list.to_lst()),
        );
        jws::sign(TokenKind::StatusList, self.alg, Some(&self.kid), claims.to_json().as_bytes(), self.signer.as_ref())
    }
}

/// What a status list token says.
#[derive(Clone, Copy, Debug)]
pub struct StatusListToken<'a> {
    /// `sub`: the URI the list is published at, as the snapshots' `status.status_list.uri`.
    pub uri: &'a str,
    /// `iss`: the issuer of the snapshots it lists (verifiers then use it for that issuer's
    /// snapshots only).
    pub issuer: Option<&'a str>,
    /// `iat`.
    pub issued_at: i64,
    /// `exp`.
    pub expires_at: Option<i64>,
    /// `ttl`: seconds a verifier may cache the token.
    pub ttl: Option<i64>,
    /// The list.
    pub list: &'a StatusList,
}

/// The names of the claims a holder's SD-JWT can disclose, read from its own disclosures
/// (nothing is verified: this is for choosing what to disclose, never for a decision).
pub fn disclosable_names(sd_jwt: &str) -> Result<Vec<String>> {
    let parts = sdjwt::split(sd_jwt)?;
    parts.disclosures.iter().map(|encoded| Disclosure::parse(encoded).map(|d| d.name)).collect()
}

/// The key binding a holder adds: the verifier's nonce and audience, and the time.
#[derive(Clone, Copy, Debug)]
pub struct KeyBinding<'a> {
    /// The holder's key (the snapshot's `cnf`).
    pub key: &'a SecretKey,
    /// The verifier's nonce.
    pub nonce: &'a str,
    /// The verifier's audience.
    pub audience: &'a str,
    /// `iat`.
    pub issued_at: i64,
}

/// A presentation of the holder's SD-JWT (issuance form, or any form with its disclosures):
/// the issuer-signed JWT, only the disclosures of the claims named in `disclose` (all of them
/// for `None`), and, with `binding`, a key-binding JWT (`kb+jwt`) whose `sd_hash` covers
/// everything before it (RFC 9901 §4.3). A name in `disclose` the SD-JWT has no disclosure for
/// is left for the verifier to judge (a claim may be signed in the clear).
pub fn present(sd_jwt: &str, disclose: Option<&[String]>, binding: Option<KeyBinding<'_>>) -> Result<String> {
    let parts = sdjwt::split(sd_jwt)?;
    let mut presentation = String::with_capacity(sd_jwt.len() + 256);
    presentation.push_str(parts.issuer_jwt);
    presentation.push('~');
    for encoded in &parts.disclosures {
        let disclosure = Disclosure::parse(encoded)?;
        if disclose.is_none_or(|names| names.contains(&disclosure.name)) {
            presentation.push_str(encoded);
            presentation.push('~');
        }
    }
    if let Some(binding) = binding {
        presentation.push_str(&key_binding_jwt(&presentation, binding)?);
    }
    Ok(presentation)
}

/// The key-binding JWT for `hashed_part` (everything up to and including the last `~`).
pub fn key_binding_jwt(hashed_part: &str, binding: KeyBinding<'_>) -> Result<String> {
    let KeyBinding { key, nonce, audience, issued_at } = binding;
    if nonce.is_empty() || nonce.len() > MAX_CLAIM_STRING || audience.is_empty() || audience.len() > MAX_CLAIM_STRING {
        bail!(ClaimInvalid, "nonce and audience must be 1 to {MAX_CLAIM_STRING} bytes long");
    }
    if !(0..=MAX_TIMESTAMP).contains(&issued_at) {
        bail!(ClaimInvalid, "time must be whole seconds between 0 and {MAX_TIMESTAMP}");
    }
    let claims = Object::new()
        .with("iat", issued_at)
        .with("aud", audience)
        .with("nonce", nonce)
        .with("sd_hash", sd_hash(hashed_part));
    jws::sign(TokenKind::KeyBinding, SigningAlg::default(), None, claims.to_json().as_bytes(), key)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// RFC 4231's cases use 20- and 131-byte keys; this one checks a 32-byte key against an
    /// independent implementation.
    #[test]
    fn hmac_matches_its_definition() {
        let key = [0x0bu8; 32];
        let mac = hmac_sha256(&key, b"Hi There");
        // HMAC-SHA-256 with a 32-byte key of 0x0b and "Hi There" (Python's hmac module).
        assert_eq!(crate::b64::encode(&mac), "GYpgfrRL-8aZA6Dxzyu9xboKo_PZrjwcejsWlqC2jPc");
    }

    #[test]
    fn derived_salts_differ_per_context_and_counter() {
        let mut a = DerivedSalts::new([7; 32], "jti-1");
        let mut b = DerivedSalts::new([7; 32], "jti-2");
        let (a1, a2, b1) = (a.next_salt(), a.next_salt(), b.next_salt());
        assert!(a1 != a2 && a1 != b1);
        assert_eq!(DerivedSalts::new([7; 32], "jti-1").next_salt(), a1);
    }
}
