//! JWS compact serialization (RFC 7515) with Ed25519, in the order jose checks it: size cap,
//! character set, three parts, header decoded and parsed, `alg` allow-listed, refused header
//! members, `typ`, `kid`, signature length; then the signature is verified; only then is the
//! payload decoded and parsed ([`ParsedJws::verify`] is the only way to reach it).

use crate::b64;
use crate::ed25519::{Verifier, SIGNATURE_LENGTH};
use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::json::{self, Object, Value};
use crate::limits::{
    MAX_MODEL_BYTES, MAX_PRESENTATION_BYTES, MAX_RECEIPT_BYTES, MAX_SNAPSHOT_BYTES, MAX_STATUS_LIST_TOKEN_BYTES,
};
use crate::signer::Signer;

/// The algorithms accepted: `EdDSA` (RFC 8037) and its fully-specified name `Ed25519`
/// (RFC 9864). Both mean Ed25519 here; issuer keys are Ed25519 only.
pub const ALLOWED_ALGS: [&str; 2] = ["EdDSA", "Ed25519"];

/// Header members that are refused: key material or key locations in the header (a token must
/// never choose its own key), critical extensions, unencoded payloads, compression, nesting and
/// encryption.
pub const REFUSED_HEADER_MEMBERS: [&str; 11] =
    ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit", "b64", "zip", "cty", "enc"];

/// The kinds of JWS edgescore reads, each with its `typ`, size cap and `kid` rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A feature snapshot's issuer-signed JWT: an SD-JWT VC (`dc+sd-jwt`).
    Snapshot,
    /// A key-binding JWT signed by the holder (`kb+jwt`, RFC 9901 §4.3; no `kid` needed).
    KeyBinding,
    /// A scorecard model signed by the issuer.
    Model,
    /// A status list token signed by the issuer (`statuslist+jwt`, Token Status List §5.1).
    StatusList,
    /// A decision receipt signed by the merchant (`edgescore-receipt+jwt`).
    Receipt,
}

impl TokenKind {
    /// The `typ` header value.
    pub const fn typ(self) -> &'static str {
        match self {
            TokenKind::Snapshot => "dc+sd-jwt",
            TokenKind::KeyBinding => "kb+jwt",
            TokenKind::Model => "edgescore-model+jwt",
            TokenKind::StatusList => "statuslist+jwt",
            TokenKind::Receipt => "edgescore-receipt+jwt",
        }
    }

    /// The size cap.
    pub const fn max_bytes(self) -> usize {
        match self {
            TokenKind::Snapshot => MAX_SNAPSHOT_BYTES,
            TokenKind::KeyBinding => MAX_PRESENTATION_BYTES,
            TokenKind::Model => MAX_MODEL_BYTES,
            TokenKind::StatusList => MAX_STATUS_LIST_TOKEN_BYTES,
            TokenKind::Receipt => MAX_RECEIPT_BYTES,
        }
    }

    /// A short name for messages: snapshot, key-binding JWT, model, status list or receipt.
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::Snapshot => "snapshot",
            TokenKind::KeyBinding => "key-binding JWT",
            TokenKind::Model => "model",
            TokenKind::StatusList => "status list",
            TokenKind::Receipt => "receipt",
        }
    }

    fn requires_kid(self) -> bool {
        !matches!(self, TokenKind::KeyBinding)
    }
}

/// A compact JWS whose header passed every rule but whose signature is not yet verified.
#[derive(Debug)]
pub struct ParsedJws<'a> {
    kind: TokenKind,
    header: Object,
    kid: Option<String>,
    signing_input: &'a str,
    payload_b64: &'a str,
    signature: Vec<u8>,
}

/// A JWS whose signature verified; its payload may now be read.
#[derive(Debug)]
pub struct VerifiedJws {
    header: Object,
    payload: Vec<u8>,
}

/// Reads a compact JWS of `kind` up to (not including) signature verification.
pub fn parse(token: &str, kind: TokenKind) -> Result<ParsedJws<'_>> {
    let what = kind.name();
    if token.len() > kind.max_bytes() {
        bail!(TooLarge, "{what} is larger than {} bytes", kind.max_bytes());
    }
    if let Some(bad) = token.bytes().find(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))) {
        bail!(
            Malformed,
            "{what} contains a byte outside base64url and '.' (0x{bad:02x}); padding and whitespace are not allowed"
        );
    }
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        bail!(Malformed, "{what} is not a compact JWS of three parts");
    };
    if header_b64.is_empty() || payload_b64.is_empty() {
        bail!(Malformed, "{what} has an empty header or payload");
    }
    let header_bytes = b64::decode(header_b64, "JWS header")?;
    let header = json::parse_object(&header_bytes).map_err(|e| e.context("JWS header"))?;

    match header.get("alg") {
        None => bail!(AlgNotAllowed, "JWS header has no \"alg\""),
        Some(Value::String(alg)) if ALLOWED_ALGS.contains(&alg.as_str()) => {}
        Some(Value::String(alg)) => {
            bail!(AlgNotAllowed, "algorithm \"{}\" is not allowed (only EdDSA and Ed25519)", truncate(alg, 20))
        }
        Some(_) => bail!(Malformed, "JWS \"alg\" is not a string"),
    }
    if let Some(refused) = REFUSED_HEADER_MEMBERS.iter().find(|m| header.contains(m)) {
        bail!(HeaderNotAllowed, "JWS header member \"{refused}\" is not allowed");
    }
    match header.get("typ") {
        None => bail!(WrongType, "JWS header has no \"typ\" (expected \"{}\")", kind.typ()),
        Some(Value::String(typ)) if normalise_typ(typ) == kind.typ() => {}
        Some(Value::String(typ)) => {
            bail!(WrongType, "token type \"{}\" is not a {what} (\"{}\")", truncate(typ, 40), kind.typ())
        }
        Some(_) => bail!(Malformed, "JWS \"typ\" is not a string"),
    }
    let kid = match header.get("kid") {
        None if kind.requires_kid() => bail!(UnknownKid, "JWS header has no \"kid\""),
        None => None,
        Some(Value::String(kid)) => Some(kid.clone()),
        Some(_) => bail!(Malformed, "JWS \"kid\" is not a string"),
    };
    let signature = b64::decode(signature_b64, "JWS signature")?;
    if signature.len() != SIGNATURE_LENGTH {
        return Err(Error::signature_invalid());
    }
    let signing_input_length = header_b64.len() + 1 + payload_b64.len();
    let signing_input =
        token.get(..signing_input_length).ok_or_else(|| Error::new(ErrorCode::Malformed, "JWS is truncated"))?;
    Ok(ParsedJws { kind, header, kid, signing_input, payload_b64, signature })
}

/// The kind a `typ` names, if it is one of edgescore's.
pub fn kind_of_typ(typ: &str) -> Option<TokenKind> {
    let typ = normalise_typ(typ);
    [TokenKind::Snapshot, TokenKind::KeyBinding, TokenKind::Model, TokenKind::StatusList, TokenKind::Receipt]
        .into_iter()
        .find(|kind| kind.typ() == typ)
}

/// `typ` compares case-insensitively, with or without the `application/` prefix (RFC 7515
/// §4.1.9).
fn normalise_typ(typ: &str) -> String {
    let lower = typ.to_ascii_lowercase();
    match lower.strip_prefix("application/") {
        Some(rest) => rest.to_owned(),
        None => lower,
    }
}

impl<'a> ParsedJws<'a> {
    /// The `kid` header, if present.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The header (not yet authenticated).
    pub fn header(&self) -> &Object {
        &self.header
    }

    /// Verifies the signature with `key`, then decodes the payload.
    pub fn verify(self, key: &impl Verifier) -> Result<VerifiedJws> {
        key.verify_strict(self.signing_input.as_bytes(), &self.signature)?;
        let payload = b64::decode(self.payload_b64, "JWS payload")?;
        Ok(VerifiedJws { header: self.header, payload })
    }

    /// The kind this token was parsed as.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }
}

impl VerifiedJws {
    /// The authenticated header.
    pub fn header(&self) -> &Object {
        &self.header
    }

    /// The authenticated payload bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The payload parsed as a strict JSON object.
    pub fn payload_object(&self) -> Result<Object> {
        json::parse_object(&self.payload).map_err(|e| e.context("JWS payload"))
    }
}

/// Signs `payload` as a compact JWS of `kind` with header `alg`, `typ` and (when given) `kid`,
/// through `signer` (the only place a JWS signature is made).
pub fn sign(
    kind: TokenKind,
    alg: SigningAlg,
    kid: Option<&str>,
    payload: &[u8],
    signer: &dyn Signer,
) -> Result<String> {
    let mut header = Object::new().with("alg", alg.as_str()).with("typ", kind.typ());
    if let Some(kid) = kid {
        header.insert("kid", kid);
    }
    let mut token = b64::encode(header.to_json().as_bytes());
    token.push('.');
    token.push_str(&b64::encode(payload));
    let signature = signer.sign(token.as_bytes())?;
    token.push('.');
    token.push_str(&b64::encode(&signature));
    Ok(token)
}

/// The `alg` a signer writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SigningAlg {
    /// `EdDSA` (RFC 8037), understood by every JOSE library.
    #[default]
    EdDsa,
    /// `Ed25519` (RFC 9864), the fully-specified name.
    Ed25519,
}

impl SigningAlg {
    /// The header value.
    pub const fn as_str(self) -> &'static str {
        match self {
            SigningAlg::EdDsa => "EdDSA",
            SigningAlg::Ed25519 => "Ed25519",
        }
    }

    /// Parses a header value.
    pub fn parse(name: &str) -> Result<SigningAlg> {
        match name {
            "EdDSA" => Ok(SigningAlg::EdDsa),
            "Ed25519" => Ok(SigningAlg::Ed25519),
            _ => {
                bail!(AlgNotAllowed, "algorithm \"{}\" is not allowed (only EdDSA and Ed25519)", truncate(name, 20))
            }
        }
    }
}
