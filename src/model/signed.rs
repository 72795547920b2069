//! Reading model documents and signed models.
//!
//! A model document is strict JSON (`ERR_MODEL_INVALID` for anything the parser refuses, with
//! the nesting cap and size cap as `ERR_TOO_LARGE`); its `format_version` is checked first, so
//! a document of a newer format is `ERR_UNSUPPORTED_VERSION` rather than a list of unknown
//! members; then the spec is read (shape) and validated ([`Model::try_from`]). A signed model
//! is a JWS (`typ` `edgescore-model+jwt`) whose payload is such a document, verified with the
//! issuer's keys before anything in it is read.

use sha2::{Digest, Sha256};

use super::spec::ModelSpec;
use super::validate::invalid;
use super::{Model, MODEL_FORMAT_VERSIONS};
use crate::error::truncate;
use crate::error::{bail, Error, ErrorCode, Result};
use crate::json::{self, Value};
use crate::jwk::Jwks;
use crate::jws::{self, TokenKind};
use crate::limits::MAX_MODEL_BYTES;

/// A model whose issuer signature verified, with the digest of the signed bytes.
#[derive(Clone, Debug)]
pub struct SignedModel {
    model: Model,
    digest: String,
    kid: String,
}

impl SignedModel {
    /// Verifies a signed model (`typ` `edgescore-model+jwt`) with the issuer JWKS and reads it.
    pub fn verify(token: &str, keys: &Jwks) -> Result<SignedModel> {
        let parsed = jws::parse(token, TokenKind::Model).map_err(|e| e.context("model"))?;
        let kid = parsed.kid().unwrap_or_default().to_owned();
        let Some(key) = keys.find(&kid) else {
            bail!(UnknownKid, "model: no issuer key has kid \"{}\"", truncate(&kid, 40));
        };
        let verified = parsed.verify(key)?;
        let model = Model::parse(verified.payload())?;
        Ok(SignedModel { model, digest: model_digest(verified.payload()), kid })
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// `sha256:` and the hex SHA-256 of the signed model JSON.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The issuer key id that signed it.
    pub fn kid(&self) -> &str {
        &self.kid
    }
}

/// `sha256:<hex>` of model bytes.
pub fn model_digest(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in hash {
        for nibble in [byte >> 4, byte & 15] {
            out.push(char::from(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0')));
        }
    }
    out
}

impl Model {
    /// Reads and validates a model document. Structural problems are `ERR_MODEL_INVALID`, an
    /// unknown `format_version` is `ERR_UNSUPPORTED_VERSION`.
    pub fn parse(input: &[u8]) -> Result<Model> {
        if input.len() > MAX_MODEL_BYTES {
            bail!(TooLarge, "model is larger than {MAX_MODEL_BYTES} bytes");
        }
        let value = json::parse(input).map_err(|e| match e.code() {
            ErrorCode::Malformed => e.recode(ErrorCode::ModelInvalid).context("model"),
            _ => e.context("model"),
        })?;
        Model::from_value(&value).map_err(|e| e.context("model"))
    }

    fn from_value(value: &Value) -> Result<Model> {
        let Some(object) = value.as_object() else {
            return Err(invalid!("a model is a JSON object, not {}", value.type_name()));
        };
        match object.get("format_version") {
            Some(version) if MODEL_FORMAT_VERSIONS.iter().any(|v| version.as_i64() == Some(i64::from(*v))) => {}
            Some(Value::Number(number)) => bail!(
                UnsupportedVersion,
                "format_version {} is not supported (this build reads 1 and 2)",
                truncate(number.as_str(), 20)
            ),
            _ => return Err(invalid!("\"format_version\" must be a number")),
        }
        let spec: ModelSpec = json::from_value(value).map_err(|e| terse(e.into_error(ErrorCode::ModelInvalid)))?;
        Model::try_from(spec)
    }

    /// The model document (in its own `format_version`) as a JSON value: what `sign-model` signs.
    pub fn to_value(&self) -> Result<Value> {
        json::to_value(&self.to_spec()).map_err(|e| e.into_error(ErrorCode::ModelInvalid))
    }
}

/// With `terse-model-errors`, the fixed message instead of the reader's own.
fn terse(error: Error) -> Error {
    if cfg!(feature = "terse-model-errors") {
        return invalid!("{}", error.message());
    }
    error
}
