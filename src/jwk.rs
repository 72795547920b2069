//! Ed25519 keys as JWK (RFC 7517, RFC 8037) and issuer key sets as JWKS.
//!
//! An issuer JWKS holds only public OKP/Ed25519 keys, each with a unique `kid`; a set with a
//! private member, another key type, a weak key, a duplicate `kid`, more than [`MAX_KEYS`] keys
//! or more than [`MAX_JWKS_BYTES`] bytes is refused whole, so a half-valid set is never used.
//! Tokens select a key by `kid` only.

use sha2::{Digest, Sha256};

use crate::b64;
use crate::ed25519::{PreparedKey, PublicKey, SecretKey};
use crate::error::{bail, truncate, Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};

use crate::json::{self, Object, Value};
use crate::limits::{MAX_JWKS_BYTES, MAX_KEYS, MAX_KID_LENGTH};

/// A JWK as written: the members edgescore reads (others are ignored, as RFC 7517 §4 asks)
/// and, in this order, the members it writes.
#[derive(Default, Deserialize, Serialize)]
struct JwkDoc {
    kty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    d: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
    #[serde(default, rename = "use", skip_serializing)]
    usage: Option<String>,
    #[serde(default, skip_serializing)]
    alg: Option<String>,
    #[serde(default, skip_serializing)]
    key_ops: Option<Vec<String>>,
}

impl JwkDoc {
    /// Reads a JWK object; any shape or type problem is `ERR_KEY_INVALID`.
    fn read(object: &Object) -> Result<JwkDoc> {
        json::from_value(&Value::Object(object.clone())).map_err(|e| e.into_error(ErrorCode::KeyInvalid))
    }

    /// The OKP/Ed25519 public key bytes of `x`.
    fn public_bytes(&self) -> Result<Vec<u8>> {
        if self.kty != "OKP" {
            bail!(KeyInvalid, "key type (\"kty\") must be \"OKP\"");
        }
        if self.crv.as_deref() != Some("Ed25519") {
            bail!(KeyInvalid, "curve (\"crv\") must be \"Ed25519\"");
        }
        let Some(x) = &self.x else { bail!(KeyInvalid, "key has no \"x\"") };
        b64::decode(x, "\"x\"").map_err(|e| e.recode(ErrorCode::KeyInvalid))
    }

    fn kid(&self) -> Result<Option<String>> {
        match &self.kid {
            Some(kid) if kid.is_empty() || kid.len() > MAX_KID_LENGTH => {
                bail!(KeyInvalid, "\"kid\" must be a non-empty string of at most {MAX_KID_LENGTH} bytes")
            }
            kid => Ok(kid.clone()),
        }
    }

    /// The rules for a verification key: `use` `sig`, `alg` EdDSA/Ed25519, `key_ops` with
    /// `verify`, when given.
    fn check_verification_use(&self) -> Result<()> {
        if self.usage.as_deref().is_some_and(|usage| usage != "sig") {
            bail!(KeyInvalid, "\"use\" must be \"sig\"");
        }
        if self.alg.as_deref().is_some_and(|alg| !matches!(alg, "EdDSA" | "Ed25519")) {
            bail!(KeyInvalid, "\"alg\" of an Ed25519 key must be EdDSA or Ed25519");
        }
        if self.key_ops.as_ref().is_some_and(|ops| !ops.iter().any(|op| op == "verify")) {
            bail!(KeyInvalid, "\"key_ops\" does not allow \"verify\"");
        }
        Ok(())
    }

    fn public(key: &PublicKey, kid: Option<&str>) -> JwkDoc {
        JwkDoc {
            kty: "OKP".to_owned(),
            crv: Some("Ed25519".to_owned()),
            x: Some(b64::encode(&key.to_bytes())),
            kid: kid.map(str::to_owned),
            ..JwkDoc::default()
        }
    }

    fn to_object(&self) -> Object {
        match json::to_value(self) {
            Ok(Value::Object(object)) => object,
            _ => Object::new(),
        }
    }
}

/// A public Ed25519 key from a JWK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jwk {
    kid: Option<String>,
    key: PublicKey,
}

impl Jwk {
    /// A JWK for `key`.
    pub fn new(key: PublicKey, kid: Option<String>) -> Jwk {
        Jwk { kid, key }
    }

    /// Reads a public OKP/Ed25519 JWK. A private member (`d`) is refused: public key sets and
    /// `cnf` claims must never carry one.
    pub fn from_object(object: &Object) -> Result<Jwk> {
        Jwk::from_object_with(object, &PublicKey::from_bytes)
    }

    /// As [`Jwk::from_object`], loading the key with `load` (for example from a [`KeyCache`]).
    ///
    /// [`KeyCache`]: crate::ed25519::KeyCache
    pub fn from_object_with(object: &Object, load: &dyn Fn(&[u8]) -> Result<PublicKey>) -> Result<Jwk> {
        if object.contains("d") {
            bail!(KeyInvalid, "a public key must not carry the private member \"d\"");
        }
        let doc = JwkDoc::read(object)?;
        let key = load(&doc.public_bytes()?)?;
        let kid = doc.kid()?;
        doc.check_verification_use()?;
        Ok(Jwk { kid, key })
    }

    /// The key id, if the JWK has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The public key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    /// The JWK as a JSON object (`kty`, `crv`, `x`, then `kid` when set).
    pub fn to_object(&self) -> Object {
        JwkDoc::public(&self.key, self.kid.as_deref()).to_object()
    }

    /// The RFC 7638 thumbprint (SHA-256, base64url) of the key.
    pub fn thumbprint(&self) -> String {
        thumbprint(&self.key)
    }
}

/// The RFC 7638 thumbprint of an Ed25519 public key: SHA-256 over the required members in
/// lexicographic order, base64url.
pub fn thumbprint(key: &PublicKey) -> String {
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, b64::encode(&key.to_bytes()));
    b64::encode(&Sha256::digest(canonical.as_bytes()))
}

/// A private Ed25519 JWK (`d` and `x`), as the issuer and a holder keep it.
pub struct PrivateJwk {
    /// The key id, if any.
    pub kid: Option<String>,
    /// The private key.
    pub secret: SecretKey,
}

impl PrivateJwk {
    /// Reads a private OKP/Ed25519 JWK; `x` must be the public key of `d`.
    pub fn parse(input: &[u8]) -> Result<PrivateJwk> {
        if input.len() > MAX_JWKS_BYTES {
            bail!(TooLarge, "private JWK is larger than {MAX_JWKS_BYTES} bytes");
        }
        let object = json::parse_object(input)?;
        PrivateJwk::from_object(&object)
    }

    /// Reads a private JWK from a parsed object.
    pub fn from_object(object: &Object) -> Result<PrivateJwk> {
        let doc = JwkDoc::read(object)?;
        let public = PublicKey::from_bytes(&doc.public_bytes()?)?;
        let Some(d) = &doc.d else { bail!(KeyInvalid, "private key has no \"d\"") };
        let seed = b64::decode(d, "\"d\"").map_err(|e| e.recode(ErrorCode::KeyInvalid))?;
        let secret = SecretKey::from_seed_slice(&seed)?;
        if secret.public_key() != public {
            bail!(KeyInvalid, "\"x\" is not the public key of \"d\"");
        }
        Ok(PrivateJwk { kid: doc.kid, secret })
    }

    /// The private JWK as JSON: `kty`, `crv`, `x`, `d`, then `kid` when set.
    pub fn to_object(&self) -> Object {
        let doc = JwkDoc {
            d: Some(b64::encode(&self.secret.seed())),
            ..JwkDoc::public(&self.secret.public_key(), self.kid.as_deref())
        };
        doc.to_object()
    }

    /// The public half as a JWK with the same `kid`.
    pub fn public_jwk(&self) -> Jwk {
        Jwk::new(self.secret.public_key(), self.kid.clone())
    }
}

/// A JWKS as written: `keys`, other members ignored.
#[derive(Deserialize)]
struct JwksDoc {
    keys: Vec<Value>,
}

/// An issuer's public key set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jwks {
    keys: Vec<(String, PreparedKey)>,
}

impl Jwks {
    /// Reads a JWKS document (`{"keys":[…]}`) with every rule in the module docs.
    pub fn parse(input: &[u8]) -> Result<Jwks> {
        if input.len() > MAX_JWKS_BYTES {
            bail!(TooLarge, "JWKS is larger than {MAX_JWKS_BYTES} bytes");
        }
        let value = json::parse(input)?;
        let doc: JwksDoc =
            json::from_value(&value).map_err(|e| Error::with_message(ErrorCode::Malformed, format!("JWKS: {e}")))?;
        if doc.keys.is_empty() {
            bail!(KeyInvalid, "JWKS has no keys");
        }
        if doc.keys.len() > MAX_KEYS {
            bail!(TooLarge, "JWKS has more than {MAX_KEYS} keys");
        }
        let mut keys: Vec<(String, PreparedKey)> = Vec::with_capacity(doc.keys.len());
        for (index, entry) in doc.keys.iter().enumerate() {
            let Some(entry) = entry.as_object() else {
                bail!(Malformed, "JWKS key {index} is not an object");
            };
            let jwk = Jwk::from_object(entry).map_err(|e| e.context(&format!("JWKS key {index}")))?;
            let Some(kid) = jwk.kid else {
                bail!(KeyInvalid, "JWKS key {index} has no \"kid\"");
            };
            if keys.iter().any(|(known, _)| *known == kid) {
                bail!(KeyInvalid, "JWKS has two keys with kid \"{}\"", truncate(&kid, 40));
            }
            keys.push((kid, PreparedKey::new(jwk.key)));
        }
        Ok(Jwks { keys })
    }

    /// A set of the given keys (each JWK must have a `kid`; duplicates are refused).
    pub fn from_jwks(jwks: impl IntoIterator<Item = Jwk>) -> Result<Jwks> {
        let text = Object::new()
            .with("keys", jwks.into_iter().map(|jwk| Value::Object(jwk.to_object())).collect::<Vec<_>>())
            .to_json();
        Jwks::parse(text.as_bytes())
    }

    /// The key with this `kid`, prepared for fast verification.
    pub fn find(&self, kid: &str) -> Option<&PreparedKey> {
        self.keys.iter().find(|(known, _)| known == kid).map(|(_, key)| key)
    }

    /// The key ids, in set order.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(kid, _)| kid.as_str())
    }

    /// The set as a JWKS JSON document.
    pub fn to_json(&self) -> String {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .map(|(kid, key)| Value::Object(Jwk::new(*key.key(), Some(kid.clone())).to_object()))
            .collect();
        Object::new().with("keys", keys).to_json()
    }
}
